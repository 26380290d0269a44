// A fast loopback fake of Azure OpenAI, run in its own process by run-bench.mjs.
//
// It accepts what @dheera/azure sends (see packages/azure/src/config/azure-url.ts):
//   POST /openai/responses?api-version=...                          (classic Responses route)
//   POST /openai/v1/responses                                       (v1 Responses route)
//   POST /openai/deployments/<dep>/chat/completions?api-version=... (classic chat route)
//   POST /openai/v1/chat/completions                                (v1 chat route)
// with the `api-key` header (or `Authorization: Bearer`), and answers with fixed payloads: JSON,
// or SSE when the body has `"stream":true`. The body is never parsed (a substring test), so the
// fake costs as little CPU as node:http allows.
//
// A gateway prefix `/slow` (kept by the Azure URL builder, like a real API gateway path) turns
// on drip mode for streams: the first events at once, then one text delta every `drip_ms`
// (query, default 500) until `drip_events` (default 120) deltas were sent; that holds streams
// open for the open-streams memory test.
//
// Usage: node fake-azure.mjs [--port 0] [--key bench-azure-key]; prints `{"listening":<port>}`.
import http from "node:http";
import { buildPayloads } from "./fixtures.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const PORT = Number(arg("port", "0"));
const KEY = arg("key", "bench-azure-key");

const p = buildPayloads();
const COMMON = {
  "apim-request-id": "5f1c2a7e-bench-4a10-9c0f-000000000000",
  "x-request-id": "5f1c2a7e-bench-4a10-9c0f-000000000000",
  "x-ms-region": "Sweden Central",
  "x-ratelimit-remaining-requests": "9999",
  "x-ratelimit-remaining-tokens": "9999999",
  "openai-processing-ms": "1.2",
};
const JSON_HEADERS = (body) => ({ ...COMMON, "content-type": "application/json", "content-length": body.length });
const RESPONSE_JSON_HEADERS = JSON_HEADERS(p.responseJson);
const CHAT_JSON_HEADERS = JSON_HEADERS(p.chatJson);
const SSE_HEADERS = { ...COMMON, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const ERROR_401 = Buffer.from(
  JSON.stringify({ error: { code: "401", message: "Access denied due to invalid subscription key or wrong API endpoint." } }),
);
const ERROR_404 = Buffer.from(JSON.stringify({ error: { code: "404", message: "Resource not found" } }));

let openStreams = 0;
let connections = 0;
let requests = 0;

function authorized(req) {
  const key = req.headers["api-key"];
  if (key !== undefined) return key === KEY;
  return req.headers.authorization === `Bearer ${KEY}`;
}

function route(path) {
  // Returns "responses" | "chat" | undefined; `slow` when under the /slow gateway prefix.
  let rest = path;
  let slow = false;
  if (rest.startsWith("/slow/")) {
    slow = true;
    rest = rest.slice(5);
  }
  if (rest === "/openai/responses" || rest === "/openai/v1/responses") return { kind: "responses", slow };
  if (rest === "/openai/v1/chat/completions" || (rest.startsWith("/openai/deployments/") && rest.endsWith("/chat/completions"))) {
    return { kind: "chat", slow };
  }
  return undefined;
}

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}

function handle(req, res, body) {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const r = req.method === "POST" ? route(path) : undefined;
  if (!r) return send(res, 404, JSON_HEADERS(ERROR_404), ERROR_404);
  // Classic routes need an api-version, like Azure (which answers 404 without one).
  if (!path.includes("/v1/") && (q === -1 || !url.includes("api-version="))) return send(res, 404, JSON_HEADERS(ERROR_404), ERROR_404);
  if (!authorized(req)) return send(res, 401, JSON_HEADERS(ERROR_401), ERROR_401);
  const stream = body.includes('"stream":true');
  if (!stream) {
    if (r.kind === "responses") return send(res, 200, RESPONSE_JSON_HEADERS, p.responseJson);
    return send(res, 200, CHAT_JSON_HEADERS, p.chatJson);
  }
  const chunks = r.kind === "responses" ? p.responsesSse : p.chatSse;
  const tail = r.kind === "chat" ? (body.includes('"include_usage":true') ? [p.chatUsageChunk, p.chatDone] : [p.chatDone]) : [];
  res.writeHead(200, SSE_HEADERS);
  if (!r.slow) {
    // One write per event, as Azure does; the kernel decides how they are coalesced.
    for (const c of chunks) res.write(c);
    for (const c of tail) res.write(c);
    res.end();
    return;
  }
  drip(res, chunks, tail, new URLSearchParams(q === -1 ? "" : url.slice(q + 1)));
}

function drip(res, chunks, tail, query) {
  const every = Number(query.get("drip_ms") ?? 500);
  const total = Number(query.get("drip_events") ?? 120);
  // Opening events at once (first byte), then text deltas slowly, then the closing events.
  const isDelta = (c) => c.includes("output_text.delta") || c.includes('"delta":{"content"');
  const head = chunks.slice(0, chunks.findIndex(isDelta));
  const deltas = chunks.filter(isDelta);
  const end = [...chunks.slice(chunks.findLastIndex(isDelta) + 1), ...tail];
  for (const c of head) res.write(c);
  openStreams++;
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= total) {
      clearInterval(timer);
      for (const c of end) res.write(c);
      res.end();
      return;
    }
    res.write(deltas[sent % deltas.length]);
    sent++;
  }, every);
  res.on("close", () => {
    clearInterval(timer);
    openStreams--;
  });
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method === "GET" && req.url === "/_bench/stats") {
    const body = Buffer.from(JSON.stringify({ openStreams, connections, requests }));
    return send(res, 200, JSON_HEADERS(body), body);
  }
  requests++;
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d) => (body += d));
  req.on("end", () => handle(req, res, body));
});
server.on("connection", () => connections++);
server.headersTimeout = 0;
server.requestTimeout = 0;
server.maxConnections = Infinity;
server.listen(PORT, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
// Dies with its parent: run-bench.mjs keeps an IPC channel open.
process.on("disconnect", () => process.exit(0));
