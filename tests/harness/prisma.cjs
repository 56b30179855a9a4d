// A line-oriented JSON server around Prisma's own wasm engines, so that
// pytest pays the wasm start-up once per session instead of once per call.
// Request:  {"id": 1, "op": "validate" | "lint" | "format", "files": [[name, text], ...]}
// Response: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}
"use strict";

globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: "",
  set_message(value) {
    this.message = String(value);
  },
};

const fmt = require("@prisma/prisma-schema-wasm");
const readline = require("node:readline");

function errorText(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

const ops = {
  validate(files) {
    fmt.validate(JSON.stringify({ prismaSchema: files, noColor: true }));
    return null;
  },
  lint(files) {
    return JSON.parse(fmt.lint(JSON.stringify(files)));
  },
  format(files) {
    const params = {
      textDocument: { uri: "file:/schema.prisma" },
      options: { tabSize: 2, insertSpaces: true },
    };
    return JSON.parse(fmt.format(JSON.stringify(files), JSON.stringify(params)));
  },
  get_config(files) {
    return JSON.parse(fmt.get_config(JSON.stringify({ prismaSchema: files })));
  },
};

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    process.stdout.write(JSON.stringify({ id: null, ok: false, error: "bad request: " + errorText(err) }) + "\n");
    return;
  }
  const op = ops[request.op];
  let response;
  if (!op) {
    response = { id: request.id, ok: false, error: "unknown op " + request.op };
  } else {
    try {
      response = { id: request.id, ok: true, result: op(request.files) };
    } catch (err) {
      response = { id: request.id, ok: false, error: errorText(err) };
    }
  }
  process.stdout.write(JSON.stringify(response) + "\n");
});
