# syntax=docker/dockerfile:1
# Build stage: the same install, generate, typecheck and build that CI runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native addon here when no prebuilt one fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
# npm 10 in this image would run every install script, including Prisma's
# engine download, which is not needed: run none, then build better-sqlite3 alone.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 && npm run generate
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY test ./test
RUN npm run typecheck && npm run build:only && npm prune --omit=dev --ignore-scripts

# Runtime stage: compiled output, production dependencies, the migrations.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/topic.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# node itself is PID 1's child via exec form, so SIGTERM reaches the bot
# (npm start would not pass it on).
CMD ["node", "dist/main.js"]
