// Derives the per-provider schemas from prisma/schema.prisma and generates one
// Prisma client for each (a generated client is tied to one provider).
//
// Prisma's CLI insists on downloading a native schema engine before it does
// anything, even though generation does not use it. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that download, so
// this works offline and never contacts Prisma's binary host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const providers = ['sqlite', 'postgresql'];

export function deriveSchema(source, provider) {
  return source
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
    .replace('"../src/generated/PROVIDER"', `"../../src/generated/${provider}"`)
    .replace(/^\/\/ The one source of truth[\s\S]*?\n\n/m, `// GENERATED from prisma/schema.prisma by prisma/generate.mjs: edit that file instead.\n\n`);
}

function main() {
  const source = readFileSync(join(here, 'schema.prisma'), 'utf8');
  const require = createRequire(import.meta.url);
  const cli = require.resolve('prisma/build/index.js');
  const engineStandIn = process.execPath; // any existing file will do, see above
  for (const provider of providers) {
    const dir = join(here, provider);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'schema.prisma');
    const text = deriveSchema(source, provider);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
    execFileSync(process.execPath, [cli, 'generate', '--schema', file], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engineStandIn,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
