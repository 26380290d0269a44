// @ts-check
// Loaded with `NODE_OPTIONS=--import` into every process the docs runner starts (TypeScript
// snippets, `dheera_ai`, anything a shell block runs), so that snippets run exactly as written:
// - every Dheera upstream call goes through `fetchTransport()`, the process-wide seam of
//   @dheera/core, and so through the global `fetch`;
// - the global `fetch` sends any `https://<resource>.openai.azure.com` to the page's Azure
//   emulator (keeping the resource in `x-forwarded-host`, which the emulator records),
//   `https://api.openai.com` to its OpenAI emulator, `http://localhost:8000` (vLLM) and
//   `http://localhost:11434` (Ollama) to its chat-only server emulator, and
//   `http://localhost:4000`, the proxy address of the docs, to the proxy the runner started
//   (and a WebSocket to `ws://localhost:4000`, through net.connect);
// - any other request that is not to loopback fails, so a snippet never reaches the network.
//
// This is a small `fetch` wrapper rather than msw: with msw 2.15.0 (@mswjs/interceptors 0.41.9)
// cancelling an intercepted response body never settles (mswjs/interceptors#799), and
// fetchTransport cancels the body when a chat stream ends at `data: [DONE]`, so every chat
// stream would hang.
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { fetchTransport, setDefaultTransport } from "@dheera/core";

const emulatorUrl = process.env.DOCS_EXAMPLES_EMULATOR_URL;
const openaiUrl = process.env.DOCS_EXAMPLES_OPENAI_URL;
const localUrl = process.env.DOCS_EXAMPLES_LOCAL_URL;
// Where the docs' local servers listen: vLLM's default port and Ollama's.
const LOCAL_PORTS = new Set(["8000", "11434"]);
const proxyUrl = process.env.DOCS_EXAMPLES_PROXY_URL;
const realFetch = globalThis.fetch;

const AZURE_HOST = /^[^/?#@]+\.openai\.azure\.com$/i;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]);

/**
 * Where a request for `url` really goes: a new URL, `undefined` to leave it alone, or an Error.
 * @param {URL} url
 * @returns {URL | undefined | Error}
 */
function route(url) {
  if (url.protocol === "https:" && AZURE_HOST.test(url.hostname)) {
    if (!emulatorUrl) return new Error("docs-examples: no Azure emulator is running");
    return new URL(url.pathname + url.search, emulatorUrl);
  }
  if (url.protocol === "https:" && url.hostname === "api.openai.com") {
    if (!openaiUrl) return new Error("docs-examples: no OpenAI emulator is running");
    return new URL(url.pathname + url.search, openaiUrl);
  }
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname) && LOCAL_PORTS.has(url.port)) {
    if (!localUrl) return new Error("docs-examples: no local server emulator is running");
    return new URL(url.pathname + url.search, localUrl);
  }
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname) && url.port === "4000") {
    if (!proxyUrl) return new Error("docs-examples: no dheera_ai proxy is running (the page starts one from its config block)");
    return new URL(url.pathname + url.search, proxyUrl);
  }
  if (LOOPBACK.has(url.hostname)) return undefined;
  return new Error(`docs-examples: blocked a request to the real network: ${url.origin}`);
}

/**
 * @param {RequestInfo | URL} input
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
async function docsFetch(input, init) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const target = route(url);
  if (target === undefined) return realFetch(input, init);
  if (target instanceof Error) {
    process.stderr.write(`${target.message}\n`);
    throw new TypeError("fetch failed", { cause: target });
  }
  /** @type {RequestInit} */
  let options = init ?? {};
  if (input instanceof Request) {
    const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.arrayBuffer();
    options = { method: input.method, headers: input.headers, body, signal: input.signal, ...init };
  }
  const headers = new Headers(options.headers);
  headers.set("x-forwarded-host", url.host);
  return realFetch(target, { ...options, headers });
}

globalThis.fetch = docsFetch;
setDefaultTransport(fetchTransport());

// WebSocket clients (`ws`, which the openai client's ResponsesWS uses) connect with net.connect,
// not fetch: a connection to loopback port 4000 goes to the page's proxy the same way.
const proxyPort = proxyUrl ? new URL(proxyUrl).port : undefined;
const realConnect = net.connect;
/** @type {typeof net.connect} */
const docsConnect = function (/** @type {any[]} */ ...args) {
  const [options] = args;
  if (proxyPort && typeof options === "object" && options !== null && String(options.port) === "4000" && LOOPBACK.has(String(options.host ?? "localhost"))) {
    args[0] = { ...options, host: "127.0.0.1", port: Number(proxyPort) };
  }
  return realConnect.apply(net, /** @type {any} */ (args));
};
net.connect = docsConnect;
net.createConnection = docsConnect;
syncBuiltinESMExports();

// A runner that died without cleaning up (SIGKILL) must not leave proxies running.
const runnerPid = Number(process.env.DOCS_EXAMPLES_RUNNER_PID);
if (runnerPid > 0) {
  setInterval(() => {
    try {
      process.kill(runnerPid, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}
