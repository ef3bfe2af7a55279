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
RUN npm run typecheck && npm run build:only

# Runtime dependencies: what `node dist/main.js` loads, nothing else. Prisma's
# CLI and TypeScript are optional peers of @prisma/client, which npm keeps
# even with --omit=dev, so the dev list goes from package.json first.
# (test/e2e/runtime-image.test.ts runs this same line and checks the result.)
FROM node:20-bookworm-slim AS runtime-deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Of the native addon's build, only the addon itself is kept (its sources and objects are 25 MB).
# Of ECharts and zrender only the modular build the chart imports is kept (their
# bundles and typings are 55 MB); of the fonts, the one the chart uses; of
# Prisma's query compilers (every database, two builds, twice), the two the
# generated clients import (the small build's ESM for SQLite and PostgreSQL: 60 MB less).
RUN npm pkg delete devDependencies && npm install --omit=dev --omit=peer --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 && mv node_modules/better-sqlite3/build/Release/better_sqlite3.node . && rm -rf node_modules/better-sqlite3/build node_modules/better-sqlite3/deps node_modules/better-sqlite3/src && mkdir -p node_modules/better-sqlite3/build/Release && mv better_sqlite3.node node_modules/better-sqlite3/build/Release/ && rm -rf node_modules/echarts/dist node_modules/echarts/types node_modules/echarts/extension node_modules/zrender/dist node_modules/zrender/src && find node_modules/dejavu-fonts-ttf -type f -name '*.ttf' ! -name DejaVuSans.ttf -delete && find node_modules/@prisma/client/runtime -name 'query_compiler_*' ! -name 'query_compiler_small_bg.sqlite.*mjs' ! -name 'query_compiler_small_bg.postgresql.*mjs' -delete

# Runtime stage: compiled output, production dependencies, the migrations.
FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX and the node flags below are package.json's start script's (a test keeps them equal).
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/topic.db \
    METRICS_PORT=9464 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9464
# Healthy while the bot polls Telegram (a standby waiting for the leader, or
# a bot that cannot reach its database at start, is not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.METRICS_PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 via exec form, so SIGTERM reaches the bot
# (npm start would not pass it on).
CMD ["node", "--max-old-space-size=96", "--liftoff-only", "dist/main.js"]
