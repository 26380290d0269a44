// Baseline (b): the smallest reasonable Node reverse proxy, node:http in, an undici Pool out, no
// parsing at all: what any Node gateway costs before it does any work. Usage:
//   node passthrough-proxy.mjs --upstream http://127.0.0.1:PORT [--port 0]; prints {"listening":<port>}
import http from "node:http";
import { Pool } from "undici";

const arg = (name, fallback) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const pool = new Pool(arg("upstream"), { keepAliveTimeout: 30_000 });
const HOP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);
const strip = (headers) => {
  const out = {};
  for (const k in headers) if (!HOP.has(k)) out[k] = headers[k];
  return out;
};

const server = http.createServer(async (req, res) => {
  try {
    const up = await pool.request({ method: req.method, path: req.url, headers: strip(req.headers), body: req });
    res.writeHead(up.statusCode, strip(up.headers));
    up.body.pipe(res);
    // A client that goes away: destroying the body aborts the upstream request (the abort error
    // it then emits is expected, not a crash).
    up.body.on("error", () => {});
    res.on("close", () => up.body.destroy());
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});
server.listen(Number(arg("port", "0")), "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`));
for (const s of ["SIGTERM", "SIGINT", "disconnect"]) process.on(s, () => process.exit(0));
