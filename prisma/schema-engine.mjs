#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, which the Prisma CLI would otherwise
// download from Prisma's servers (impossible offline). The CLI finds this file through
// PRISMA_SCHEMA_ENGINE_BINARY (set in prisma.config.ts) and talks JSON-RPC over stdio, exactly
// as it does with the native engine. Each call is forwarded to @prisma/schema-engine-wasm,
// which reaches Postgres through @prisma/adapter-pg. See README "Prisma without internet".
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import PgResult from 'pg/lib/result.js';

// The package imports its .wasm as an ES module, which Node 20 only allows behind a flag, so
// instantiate it by hand with the same bindings.
async function loadSchemaEngine() {
  const bindingsUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = fileURLToPath(bindingsUrl).replace(/\.js$/, '.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
    './schema_engine_bg.js': engineBindings,
  });
  engineBindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return engineBindings.SchemaEngine;
}

// adapter-pg cannot describe the catalog type "char" (oid 18), which the schema engine reads
// while describing the database (prisma/orm#27403). Report such columns as text.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const addFields = PgResult.prototype.addFields;
PgResult.prototype.addFields = function addFieldsCharAsText(fieldDescriptions) {
  for (const field of fieldDescriptions) {
    if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return addFields.call(this, fieldDescriptions);
};

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, cli: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--datamodels' || arg === '-d') out.datamodels.push(argv[++i]);
    else if (arg === '--datasource') out.datasource = JSON.parse(argv[++i]);
    else if (arg === '--version' || arg === '-V') out.version = true;
    else if (arg === 'cli') out.cli = argv[++i];
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
  }
  return out;
}

// Discrete connection fields, not a connection string: pg lets a connection string override
// `database`, which would silently turn the shadow database into the main one.
function poolConfig(url) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || 'postgres'),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

// Migration scripts are run whole (simple query protocol), because adapter-pg's
// executeScript splits on ';' and so breaks `$$ ... $$` function bodies. The throwaway shadow
// database is dropped only after its pool is closed (adapter-pg drops it first, which fails).
class WholeScriptPg extends PrismaPg {
  async connect() {
    return wholeScript(await super.connect());
  }
  async connectToShadowDb() {
    const shadowName = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    const admin = new pg.Client(this.config);
    await admin.connect();
    await admin.query(`CREATE DATABASE "${shadowName}"`);
    await admin.end();
    const shadow = wholeScript(await new PrismaPg({ ...this.config, database: shadowName }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      const dropper = new pg.Client(this.config);
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
      await dropper.end();
    };
    return shadow;
  }
}
function wholeScript(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

function logLine(level, message, extra = {}) {
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...extra }, target: 'schema_engine::logger' })}\n`,
  );
}

async function runCliCommand(command, url) {
  // The CLI skips the first stderr line of a `cli` command (the native engine's banner).
  logLine('INFO', `schema-engine stand-in: ${command}`);
  const config = poolConfig(url);
  const admin = new pg.Client({ ...config, database: 'postgres' });
  try {
    await admin.connect();
    if (command === 'can-connect-to-database') {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [config.database]);
      if (found.rowCount === 0) {
        logLine('ERROR', `Database \`${config.database}\` does not exist`, { error_code: 'P1003' });
        return 1;
      }
    } else if (command === 'create-database') {
      await admin.query(`CREATE DATABASE "${config.database.replaceAll('"', '""')}"`);
    } else if (command === 'drop-database') {
      await admin.query(`DROP DATABASE IF EXISTS "${config.database.replaceAll('"', '""')}"`);
    } else {
      logLine('ERROR', `Unknown cli command ${command}`);
      return 1;
    }
    return 0;
  } catch (error) {
    logLine('ERROR', error.message, { error_code: 'P1001' });
    return 1;
  } finally {
    await admin.end().catch(() => {});
  }
}

async function serve(args) {
  const url = args.datasource?.url;
  if (!url) throw new Error('schema-engine stand-in: --datasource with a url is required');
  const shadowUrl = args.datasource?.shadowDatabaseUrl;
  const factory = new WholeScriptPg(poolConfig(url));
  if (shadowUrl) {
    // An explicit shadow database: connect to it instead of creating a throwaway one.
    factory.connectToShadowDb = async () => wholeScript(await new PrismaPg(poolConfig(shadowUrl)).connect());
  }
  const datamodels = args.datamodels.map((file) => [file, readFileSync(file, 'utf8')]);
  const SchemaEngine = await loadSchemaEngine();
  const engine = await SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (log) => process.stderr.write(`${log}\n`),
    bindMigrationAwareSqlAdapterFactory(factory),
  );

  // Requests are answered one at a time, in order, as the native engine does.
  const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let queue = Promise.resolve();
  input.on('line', (line) => {
    if (!line.trim()) return;
    const request = JSON.parse(line);
    if (request.id === undefined || !request.method) return; // a response to a `print` call
    queue = queue.then(async () => {
      process.stdout.write(`${JSON.stringify(await handle(engine, request))}\n`);
    });
  });
  await new Promise((resolve) => input.on('close', resolve));
  await queue;
}

async function handle(engine, request) {
  const { id, method, params } = request;
  try {
    const fn = engine[method];
    if (typeof fn !== 'function') {
      return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } };
    }
    const result = await fn.call(engine, params ?? {});
    return { jsonrpc: '2.0', id, result: result ?? {} };
  } catch (error) {
    // Mirror the native engine's user-facing error shape so the CLI prints it properly.
    const data = typeof error === 'object' && error !== null ? error : {};
    return {
      jsonrpc: '2.0',
      id,
      error: {
        code: 4466,
        message: 'An error happened. Check the data field for details.',
        data: {
          is_panic: false,
          message: data.message ?? String(error),
          error_code: data.error_code ?? data.code ?? undefined,
          meta: data.meta,
        },
      },
    };
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.version) {
  process.stdout.write('schema-engine-cli wasm-stand-in\n');
  process.exit(0);
}
if (args.cli) {
  process.exit(await runCliCommand(args.cli, args.datasource?.url));
}
serve(args).then(
  () => process.exit(0),
  (error) => {
    logLine('ERROR', error?.message ?? String(error));
    process.exit(1);
  },
);
