// Prisma CLI configuration. Offline by design: the CLI's schema engine is our WASM stand-in
// (schema-engine.mjs), so `migrate deploy` never downloads a native binary.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(here, 'schema-engine.mjs');

export default defineConfig({
  schema: path.join(here, 'schema'),
  migrations: { path: path.join(here, 'migrations') },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/invoicer',
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
