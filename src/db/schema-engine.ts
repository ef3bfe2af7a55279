// Loads Prisma's schema engine from its WebAssembly build. The package's own
// entry point imports the .wasm file as an ES module, which Node 20 cannot do,
// so the module is instantiated by hand from the sibling file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type { Provider } from './client.js';

/** The prisma/ folder: two levels up from both src/db and dist/db. */
export const prismaDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prisma');

/** The models for one provider, derived in memory from the one source of truth. */
export function schemaFor(provider: Provider): { path: string; content: string } {
  const source = readFileSync(join(prismaDir, 'schema.prisma'), 'utf8');
  return {
    path: 'schema.prisma',
    content: source.replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`),
  };
}

let loaded: Promise<void> | undefined;

// Node's global WebAssembly, typed as far as used here (its types live in the DOM lib).
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }> };
  }
).WebAssembly;

function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const { instance } = await wasm.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg });
    const exports = instance.exports as { __wbindgen_start(): void };
    (bg as unknown as { __wbg_set_wasm(e: unknown): void }).__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return loaded;
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connection (which holds SQLite's lock). */
  close(): Promise<void>;
}

export async function openSchemaEngine(factory: SqlMigrationAwareDriverAdapterFactory, schema: { path: string; content: string }): Promise<OpenEngine> {
  await loadWasm();
  const { SchemaEngine: Engine } = bg as unknown as { SchemaEngine: typeof SchemaEngine };
  const connection = oneConnection(factory);
  const engine = await Engine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, bindMigrationAwareSqlAdapterFactory(connection));
  return {
    engine,
    close: async () => {
      engine.free();
      await connection.dispose();
    },
  };
}

/**
 * On SQLite the engine switches its connection to `locking_mode=EXCLUSIVE`,
 * and freeing the engine does not close that connection: until it is closed,
 * every other connection (the app's own Prisma client) gets SQLITE_BUSY. So
 * the connection is kept here, shared, and closed with the engine.
 */
function oneConnection(factory: SqlMigrationAwareDriverAdapterFactory) {
  let shared: ReturnType<SqlMigrationAwareDriverAdapterFactory['connect']> | undefined;
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => (shared ??= factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
    dispose: async () => {
      if (shared) await (await shared).dispose();
    },
  };
}
