// A line-oriented JSON server around Prisma's own wasm engines, so that the
// tests pay the wasm start-up once per session instead of once per call.
//
// Request:  {"id": 1, "op": "...", "files": [[name, text], ...], ...}
// Response: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}
//
// prisma-fmt ops:    validate, lint, format, get_config
// schema engine ops: diff_from_empty (offline: an adapter that answers only the
//                    engine's version probe), and, against a live PostgreSQL
//                    through @prisma/adapter-pg: apply_migrations, diff_database.
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
