import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { errors as undiciErrors } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { textOf } from "../testing/async-iterables.js";
import { floodHandler, openStreamHandler, readRequestBody, startTestServer, type TestServer } from "../testing/test-server.js";
import { describeTransportContract } from "../testing/transport-contract.js";
import { mapNetworkError, undiciTransport } from "./undici-transport.js";

const transport = undiciTransport({ connectTimeoutMs: 2_000 });
afterAll(() => transport.close());

describeTransportContract("undiciTransport", () => transport);

describe("mapNetworkError", () => {
  const url = "https://res.openai.azure.com/openai/v1/responses?api-key=secret";

  it("maps undici's timeouts to UpstreamTimeoutError, also when they come from another undici copy", () => {
    expect(mapNetworkError(new undiciErrors.HeadersTimeoutError(), url)).toBeInstanceOf(UpstreamTimeoutError);
    expect(mapNetworkError(new undiciErrors.BodyTimeoutError(), url)).toBeInstanceOf(UpstreamTimeoutError);
    const foreign = Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(mapNetworkError(foreign, url)).toBeInstanceOf(UpstreamTimeoutError);
  });

  it("maps socket errors to UpstreamConnectionError naming only host:port", () => {
    const err = mapNetworkError(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }), url);
    expect(err).toBeInstanceOf(UpstreamConnectionError);
    expect((err as Error).message).toBe("Could not reach the upstream res.openai.azure.com: ENOTFOUND.");
  });

  it("leaves aborts and programming errors as they are", () => {
    const abort = new DOMException("aborted", "AbortError");
    expect(mapNetworkError(abort, url)).toBe(abort);
    const misuse = new undiciErrors.InvalidArgumentError("invalid method");
    expect(mapNetworkError(misuse, url)).toBe(misuse);
    const plain = new TypeError("boom");
    expect(mapNetworkError(plain, url)).toBe(plain);
  });
});

describe("undiciTransport: pushed bodies (body.pipe)", { timeout: 5_000 }, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (...args: Parameters<typeof startTestServer>) => {
    const s = await startTestServer(...args);
    servers.push(s);
    return s;
  };

  it("pushes every chunk in order and resolves at the end", async () => {
    const server = await serve(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 20; i++) {
        res.write(`data: ${i}\n\n`);
        await new Promise((r) => setTimeout(r, 2));
      }
      res.end();
    });
    const res = await transport({ method: "GET", url: server.url, headers: {} });
    const chunks: Uint8Array[] = [];
    await res.body.pipe!({ write: (c) => chunks.push(c) > 0 });
    expect(textOf(chunks)).toBe(Array.from({ length: 20 }, (_, i) => `data: ${i}\n\n`).join(""));
  });

  it("holds the upstream back while the sink is full, and goes on when it resumes", async () => {
    const TOTAL = 32 * 1024 * 1024;
    const flood = floodHandler(TOTAL);
    const server = await serve(flood.handler);
    const res = await transport({ method: "GET", url: server.url, headers: {} });
    let read = 0;
    let writtenWhilePaused = -1;
    let pausedOnce = false;
    await res.body.pipe!({
      write(chunk, resume) {
        read += chunk.length;
        if (pausedOnce) return true;
        pausedOnce = true;
        setTimeout(() => {
          writtenWhilePaused = flood.written();
          resume();
        }, 300);
        return false;
      },
    });
    expect(read).toBe(TOTAL);
    expect(writtenWhilePaused).toBeGreaterThan(0);
    expect(writtenWhilePaused).toBeLessThan(TOTAL / 2);
  });

  it("cuts the request and rejects with the sink's error when the sink throws", async () => {
    const stream = openStreamHandler();
    const server = await serve(stream.handler);
    const res = await transport({ method: "GET", url: server.url, headers: {} });
    const boom = new Error("relay failed");
    await expect(
      res.body.pipe!({
        write() {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    await stream.closed;
  });

  it("rejects with an AbortError when the caller aborts mid-stream", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: 1\n\n");
    });
    const controller = new AbortController();
    const res = await transport({ method: "GET", url: server.url, headers: {}, signal: controller.signal });
    const piped = res.body.pipe!({
      write: () => {
        controller.abort();
        return true;
      },
    });
    await expect(piped).rejects.toMatchObject({ name: "AbortError" });
  });

  it("cuts one response on its own (abort): the reader gets the reason as it was, the upstream sees the close", async () => {
    const stream = openStreamHandler();
    const server = await serve(stream.handler);
    expect(transport.cutsResponses).toBe(true);
    const caller = new AbortController();
    const res = await transport({ method: "GET", url: server.url, headers: {}, signal: caller.signal });
    const why = new DOMException("The client closed the connection.", "AbortError");
    const piped = res.body.pipe!({
      write: () => {
        res.abort!(why);
        return true;
      },
    });
    await expect(piped).rejects.toBe(why);
    await stream.closed;
    // The caller's own signal was never touched.
    expect(caller.signal.aborted).toBe(false);
  });

  it("cuts an iterated body with an AbortError when no reason is given", async () => {
    const stream = openStreamHandler();
    const server = await serve(stream.handler);
    const res = await transport({ method: "GET", url: server.url, headers: {} });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    res.abort!();
    await expect(it.next()).rejects.toMatchObject({ name: "AbortError" });
    await stream.closed;
  });
});

describe("undiciTransport: long request bodies", { timeout: 10_000 }, () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("keeps no copy of a request body while its response streams (a long conversation, a stream of minutes)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    server = await startTestServer(async (req, res) => {
      await readRequestBody(req);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: {}\n\n");
      // Left open: the streams last as long as the test holds them.
    });
    // V8 frees ArrayBuffers' memory after a GC, in the background: settle before reading it.
    const settled = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      return process.memoryUsage();
    };
    const MB = 1024 * 1024;
    const open: Awaited<ReturnType<typeof transport>>[] = [];
    const before = await settled();
    for (let i = 0; i < 8; i++) {
      // A new 2 MB body each time, that only the transport sees.
      open.push(await transport({ method: "POST", url: server.url, headers: { "content-type": "application/json" }, body: `{"input":"${"x".repeat(2 * MB + i)}"}` }));
    }
    const after = await settled();
    // Kept, they would be 16 MB of strings and 16 MB more of undici's Buffer copies.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * MB);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * MB);
    for (const res of open) res.abort?.();
  });
});
