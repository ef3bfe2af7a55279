// `npm start` runs this first (prestart): it builds (Prisma clients, then
// TypeScript into dist/) only when the sources changed since the last build,
// so a start with nothing to build goes straight to `node dist/main.js`.
// "Changed" is decided by content, not by file times (a fresh clone or a
// copied folder has new times and old contents): a hash of every input,
// kept in dist/.build-stamp.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const stampFile = join(root, 'dist', '.build-stamp');

/** Every file the build reads: the sources (not the generated clients), the schema and the build's own settings. */
function inputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join('src', 'generated')) walk(path);
      } else files.push(path);
    }
  };
  walk('src');
  files.push('prisma/schema.prisma', 'prisma/generate.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json');
  return files.sort();
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of inputs()) {
    hash.update(file);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '');
  }
  return hash.digest('hex');
}

const wanted = fingerprint();
const built = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
const clients = ['sqlite', 'postgresql'].every((p) => existsSync(join(root, 'src', 'generated', p)));
if (built === wanted && clients && existsSync(join(root, 'dist', 'main.js'))) {
  process.stderr.write('build: up to date\n');
  process.exit(0);
}
process.stderr.write('build: sources changed, building…\n');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['prisma/generate.mjs']);
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
writeFileSync(stampFile, `${wanted}\n`);
