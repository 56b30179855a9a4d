// A line-oriented JSON server around Prisma's own wasm engines, so that the
// tests pay the wasm start-up once per session instead of once per call.
//
// Request:  {"id": 1, "op": "...", "files": [[name, text], ...], ...}
// Response: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}
//
// prisma-fmt ops:    validate, lint, format, get_config
// schema engine ops: diff_from_empty (offline: an adapter that answers only the
//                    engine's version probe), and, against a live PostgreSQL
//                    through @prisma/adapter-pg: apply_migrations, diff_database,
//                    diff_from_migrations, diagnose_migration_history.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: "",
  set_message(value) {
    this.message = String(value);
  },
};

const fmt = require("@prisma/prisma-schema-wasm");
const { bindMigrationAwareSqlAdapterFactory } = require("@prisma/driver-adapter-utils");

// The schema engine package is a wasm-bindgen *bundler* build: instantiate it by hand.
const engineModule = await import("@prisma/schema-engine-wasm/schema_engine_bg");
{
  const wasmPath = path.join(
    path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
    "schema_engine_bg.wasm",
  );
  const compiled = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(compiled, { "./schema_engine_bg.js": engineModule });
  engineModule.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

// --- live PostgreSQL through @prisma/adapter-pg ------------------------------
//
// The engine reads catalog columns of PostgreSQL's one-byte "char" type (OID 18,
// e.g. pg_constraint.contype) as Character, and adapter-pg 7.10.1 cannot map
// OID 18.  We report such columns to adapter-pg as text and, on the adapter's
// result, as Character (ColumnType 6) to the engine.  Queries of one engine run
// one at a time, so the last query's positions are the ones to patch.
const pg = require("pg");
const { PrismaPg } = require("@prisma/adapter-pg");
const CHARACTER = 6;
let lastCharColumns = [];
function reportCharAsText(res) {
  lastCharColumns = [];
  (res?.fields ?? []).forEach((field, index) => {
    if (field.dataTypeID === 18) {
      field.dataTypeID = 25;
      lastCharColumns.push(index);
    }
  });
  return res;
}
// adapter-pg queries through pool.query (pg-pool) and, in transactions,
// through a pooled client's query: patch both promise paths.
for (const prototype of [pg.Pool.prototype, pg.Client.prototype]) {
  const query = prototype.query;
  prototype.query = function (...args) {
    const result = query.apply(this, args);
    return result && typeof result.then === "function" ? result.then(reportCharAsText) : result;
  };
}

function patchQueryable(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of lastCharColumns) result.columnTypes[index] = CHARACTER;
    return result;
  };
  if (queryable.startTransaction) {
    const startTransaction = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (...args) => patchQueryable(await startTransaction(...args));
  }
  return queryable;
}

function liveFactory(url, schemaName) {
  // Prisma's own engine sets the search path from ?schema=; adapter-pg only
  // reports the schema name to the engine, so the connection sets it here.
  // The URL's parts, not `connectionString`: adapter-pg opens its shadow database
  // as `{...config, database}`, which a connection string would override.
  const { parse } = require("pg-connection-string");
  const parts = Object.fromEntries(Object.entries(parse(url)).filter(([, v]) => v != null));
  const factory = new PrismaPg(
    { ...parts, options: `-c search_path=${schemaName}` },
    { schema: schemaName },
  );
  // Every adapter opened is disposed after the operation: Prisma's engine takes
  // its advisory lock on a pooled connection, and an idle pool would keep that
  // session (and the lock) alive for pg's idle timeout.
  const opened = [];
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      opened.push(adapter);
      return patchQueryable(adapter);
    },
    // adapter-pg's own shadow database drops the database before it closes its
    // pool, which PostgreSQL refuses ("being accessed by other users"): make
    // one here, and drop it after its pool is closed.
    async connectToShadowDb() {
      const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
      const admin = new pg.Client(parts);
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const shadow = await new PrismaPg(
        { ...parts, database, options: `-c search_path=${schemaName}` },
        { schema: schemaName },
      ).connect();
      // The engine disposes of its shadow connection itself; close() may again.
      let disposing = null;
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = () =>
        (disposing ??= (async () => {
          await dispose();
          const admin = new pg.Client(parts);
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
          await admin.end();
        })());
      opened.push(shadow);
      return patchQueryable(shadow);
    },
    async close() {
      await Promise.all(opened.splice(0).map((adapter) => adapter.dispose?.()));
    },
  };
}

function migrationsList(migrationsDir) {
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const directories = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok", value: fs.readFileSync(file, "utf8") }
            : { tag: "error", value: "missing migration.sql" },
        },
      };
    }),
  };
}

function offlineFactory(schemaName) {
  const refuse = (what) => async () => {
    throw new Error(`offline adapter: ${what} needs a database`);
  };
  const adapter = {
    provider: "postgres",
    adapterName: "prisma-isolate-offline",
    async queryRaw(query) {
      if (query.sql.includes("pg_namespace")) {
        // The engine's one start-up probe: schema exists, version(), server_version_num.
        return {
          columnNames: ["exists", "version", "numeric_version"],
          columnTypes: [5, 7, 0],
          rows: [[true, "PostgreSQL 18.0", 180000]],
        };
      }
      throw new Error("offline adapter: unexpected query " + query.sql);
    },
    executeRaw: refuse("executeRaw"),
    executeScript: refuse("executeScript"),
    startTransaction: refuse("startTransaction"),
    getConnectionInfo() {
      return { schemaName, supportsRelationJoins: true };
    },
    async dispose() {},
  };
  return {
    provider: "postgres",
    adapterName: "prisma-isolate-offline",
    async connect() {
      return adapter;
    },
    async connectToShadowDb() {
      return adapter;
    },
  };
}

async function withEngine(files, factory, body) {
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine;
  try {
    engine = await engineModule.SchemaEngine.new({ datamodels: files }, () => {}, bound);
    return await body(engine);
  } catch (err) {
    const registered = bound.errorRegistry?.registeredErrors?.filter(Boolean) ?? [];
    const details = registered.map((e) => JSON.stringify(e.error)).join("; ");
    throw new Error(errorText(err) + (details ? " [" + details + "]" : ""));
  } finally {
    engine?.free?.();
    await factory.close?.();
  }
}

function schemaFiles(files) {
  return { files: files.map(([name, content]) => ({ path: name, content })) };
}

function errorText(err) {
  if (err instanceof Error) return err.message;
  if (typeof err === "object") return JSON.stringify(err);
  return String(err);
}

const ops = {
  validate({ files }) {
    fmt.validate(JSON.stringify({ prismaSchema: files, noColor: true }));
    return null;
  },
  lint({ files }) {
    return JSON.parse(fmt.lint(JSON.stringify(files)));
  },
  format({ files }) {
    const params = {
      textDocument: { uri: "file:/schema.prisma" },
      options: { tabSize: 2, insertSpaces: true },
    };
    return JSON.parse(fmt.format(JSON.stringify(files), JSON.stringify(params)));
  },
  get_config({ files }) {
    return JSON.parse(fmt.get_config(JSON.stringify({ prismaSchema: files })));
  },
  // What `prisma migrate diff --from-empty --to-schema ... --script` prints,
  // with `schemaName` as the URL's default schema (?schema=).
  async diff_from_empty({ files, schemaName }) {
    return withEngine(files, offlineFactory(schemaName), async (engine) => {
      const result = await engine.diff({
        from: { tag: "empty" },
        to: { tag: "schemaDatamodel", ...schemaFiles(files) },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return result.stdout;
    });
  },
  // `prisma migrate diff --from-schema <fromFiles> --to-schema <files> --script`.
  async diff_schemas({ files, fromFiles, schemaName, script = true }) {
    return withEngine(files, offlineFactory(schemaName), async (engine) => {
      const result = await engine.diff({
        from: { tag: "schemaDatamodel", ...schemaFiles(fromFiles) },
        to: { tag: "schemaDatamodel", ...schemaFiles(files) },
        script,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return result.stdout;
    });
  },
  // `prisma migrate deploy` against a live database (?schema= is schemaName).
  async apply_migrations({ files, url, schemaName, migrationsDir }) {
    return withEngine(files, liveFactory(url, schemaName), (engine) =>
      engine.applyMigrations({ migrationsList: migrationsList(migrationsDir), filters: NO_FILTERS }),
    );
  },
  // What Prisma would still have to do to bring the live database to `files`:
  // `prisma migrate diff --from-url ... --to-schema ... --script`.  Empty: no drift.
  async diff_database({ files, url, schemaName }) { // eslint-disable-line no-unused-vars
    return withEngine(files, liveFactory(url, schemaName), async (engine) => {
      const result = await engine.diff({
        // The wasm engine takes no URL targets: "the schema's datasource" is
        // the live database behind the adapter.
        from: { tag: "schemaDatasource", ...schemaFiles(files), configDir: "/" },
        to: { tag: "schemaDatamodel", ...schemaFiles(files) },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return result.stdout;
    });
  },
  // `prisma migrate diff --from-migrations <dir> --to-schema <files> --script`:
  // the folder replayed on a shadow database the adapter creates beside `url`.
  // (The wasm engine's createMigration cannot take an external shadow database,
  // so migrate dev's own file is out of reach; its warnings are checked by text.)
  async diff_from_migrations({ files, url, schemaName, migrationsDir }) {
    return withEngine(files, liveFactory(url, schemaName), async (engine) => {
      const result = await engine.diff({
        from: { tag: "migrations", ...migrationsList(migrationsDir) },
        to: { tag: "schemaDatamodel", ...schemaFiles(files) },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return result.stdout;
    });
  },
  // `prisma migrate status`: what the engine thinks of the migrations folder.
  async diagnose_migration_history({ files, url, schemaName, migrationsDir }) {
    return withEngine(files, liveFactory(url, schemaName), (engine) =>
      engine.diagnoseMigrationHistory({
        migrationsList: migrationsList(migrationsDir),
        optInToShadowDatabase: false,
        filters: NO_FILTERS,
      }),
    );
  },
};

function reply(response) {
  process.stdout.write(JSON.stringify(response) + "\n");
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
for await (const line of rl) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    reply({ id: null, ok: false, error: "bad request: " + errorText(err) });
    continue;
  }
  const op = ops[request.op];
  if (!op) {
    reply({ id: request.id, ok: false, error: "unknown op " + request.op });
    continue;
  }
  try {
    reply({ id: request.id, ok: true, result: await op(request) });
  } catch (err) {
    reply({ id: request.id, ok: false, error: errorText(err) });
  }
}
// stdin closed: the session is over.  Exit now rather than wait for pg's idle
// pool timers, which kept the process (and pytest's teardown) alive for ~10 s.
process.exit(0);
