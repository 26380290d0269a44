import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { DheeraError, UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { toOpenAIError } from "../errors/to-openai-error.js";
import type { Transport } from "../http/transport.js";
import { deferred, textOf } from "./async-iterables.js";
import { closedPort, floodHandler, openStreamHandler, readRequestBody, startTestServer, type TestServer } from "./test-server.js";

/*
 * The behaviour every Transport owes its providers, run against a real node:http server on
 * loopback. Each transport's test file calls this once; timeouts are a few hundred ms.
 */

const SECRET = "sk-test-4f1c0ffee";

export function describeTransportContract(name: string, makeTransport: () => Transport): void {
  describe(`${name}: transport contract`, { timeout: 5_000 }, () => {
    const servers: TestServer[] = [];
    const serve = async (...args: Parameters<typeof startTestServer>) => {
      const server = await startTestServer(...args);
      servers.push(server);
      return server;
    };
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });

    it("sends method, headers and body, and returns status, lower-cased headers and the body", async () => {
      let seen: { method?: string; url?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
      const server = await serve(async (req, res) => {
        seen = { method: req.method, url: req.url, headers: req.headers, body: await readRequestBody(req) };
        res.writeHead(201, { "Content-Type": "application/json", "X-Request-Id": "req_123", "Set-Cookie": ["a=1", "b=2"] });
        res.end('{"ok":true}');
      });
      const res = await makeTransport()({
        method: "POST",
        url: `${server.url}/v1/responses?api-version=v1`,
        headers: { "content-type": "application/json", "api-key": SECRET },
        body: '{"model":"m"}',
      });
      expect(seen).toMatchObject({ method: "POST", url: "/v1/responses?api-version=v1", body: '{"model":"m"}' });
      expect(seen.headers).toMatchObject({ "content-type": "application/json", "api-key": SECRET });
      expect(res.status).toBe(201);
      expect(res.headers).toMatchObject({ "content-type": "application/json", "x-request-id": "req_123", "set-cookie": "a=1, b=2" });
      expect(await res.text()).toBe('{"ok":true}');
    });

    it("sends a long body (a long conversation) whole, with its content-length in bytes, never chunked", async () => {
      let seen: { headers?: IncomingMessage["headers"]; body?: string } = {};
      const server = await serve(async (req, res) => {
        seen = { headers: req.headers, body: await readRequestBody(req) };
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
      // Multi-byte text: the length sent is the UTF-8 byte count, not the string's length.
      const body = JSON.stringify({ model: "m", input: "Grüße, 世界! ".repeat(20_000) });
      const res = await makeTransport()({ method: "POST", url: server.url, headers: { "content-type": "application/json", "api-key": SECRET }, body });
      await res.text();
      expect(seen.body).toBe(body);
      expect(seen.headers?.["content-length"]).toBe(String(Buffer.byteLength(body)));
      expect(seen.headers?.["transfer-encoding"]).toBeUndefined();
      expect(seen.headers).toMatchObject({ "content-type": "application/json", "api-key": SECRET });
    });

    it("returns a non-2xx answer as a response, not as an error", async () => {
      const server = await serve((_req, res) => {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "6" });
        res.end('{"error":{"message":"slow down"}}');
      });
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {} });
      expect(res.status).toBe(429);
      expect(res.headers["retry-after"]).toBe("6");
      expect(await res.text()).toContain("slow down");
    });

    it("delivers a streaming body chunk by chunk: the first chunk arrives before the upstream ends", async () => {
      const release = deferred();
      let upstreamEnded = false;
      const server = await serve(async (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n");
        await release.promise;
        res.end("data: 2\n\n", () => (upstreamEnded = true));
      });
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {} });
      const chunks: Uint8Array[] = [];
      for await (const chunk of res.body) {
        if (chunks.length === 0) {
          expect(textOf([chunk])).toBe("data: 1\n\n");
          expect(upstreamEnded).toBe(false);
          release.resolve();
        }
        chunks.push(chunk);
      }
      expect(textOf(chunks)).toBe("data: 1\n\ndata: 2\n\n");
    });

    it("turns an upstream that sends no headers within timeoutMs into UpstreamTimeoutError (504)", async () => {
      const server = await serve(() => {
        // never answers
      });
      const started = Date.now();
      const err = await makeTransport()({ method: "POST", url: `${server.url}/slow`, headers: {}, body: "{}", timeoutMs: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamTimeoutError);
      expect(err).toMatchObject({ status: 504, type: "timeout_error", code: "upstream_timeout" });
      expect((err as Error).message).toContain(`127.0.0.1:${server.port}`);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("turns a body that goes silent for timeoutMs into UpstreamTimeoutError", async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n"); // then silence
      });
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {}, timeoutMs: 200 });
      const iterator = res.body[Symbol.asyncIterator]();
      expect(textOf([(await iterator.next()).value as Uint8Array])).toBe("data: 1\n\n");
      await expect(iterator.next()).rejects.toBeInstanceOf(UpstreamTimeoutError);
    });

    it("does not cut a stream that keeps flowing for longer than timeoutMs", async () => {
      const server = await serve(async (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (let i = 0; i < 10; i++) {
          res.write(`data: ${i}\n\n`);
          await new Promise((r) => setTimeout(r, 50));
        }
        res.end();
      });
      const started = Date.now();
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {}, timeoutMs: 300 });
      const chunks: Uint8Array[] = [];
      for await (const chunk of res.body) chunks.push(chunk);
      expect(Date.now() - started).toBeGreaterThan(300);
      expect(textOf(chunks)).toBe(Array.from({ length: 10 }, (_, i) => `data: ${i}\n\n`).join(""));
    });

    it("turns a refused connection into UpstreamConnectionError (502) naming host:port and no header", async () => {
      const port = await closedPort();
      const err = await makeTransport()({
        method: "POST",
        url: `http://127.0.0.1:${port}/v1/responses`,
        headers: { authorization: `Bearer ${SECRET}`, "api-key": SECRET },
        body: "{}",
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamConnectionError);
      expect(err).toMatchObject({ status: 502, type: "api_connection_error" });
      const message = (err as Error).message;
      expect(message).toContain(`127.0.0.1:${port}`);
      expect(message).not.toContain(SECRET);
      expect(JSON.stringify(toOpenAIError(err))).not.toContain(SECRET);
    });

    it("rejects with an AbortError when the caller aborts while waiting for headers", async () => {
      const arrived = deferred();
      const server = await serve(() => arrived.resolve());
      const controller = new AbortController();
      const pending = makeTransport()({ method: "GET", url: server.url, headers: {}, signal: controller.signal });
      await arrived.promise;
      controller.abort();
      const err = await pending.catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "AbortError" });
      expect(DheeraError.isInstance(err)).toBe(false);
    });

    it("ends the body with an AbortError when the caller aborts mid-stream", async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n");
      });
      const controller = new AbortController();
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {}, signal: controller.signal });
      const iterator = res.body[Symbol.asyncIterator]();
      await iterator.next();
      controller.abort();
      await expect(iterator.next()).rejects.toMatchObject({ name: "AbortError" });
    });

    it("does not read far ahead of a slow reader: the upstream is held back, not buffered", async () => {
      const TOTAL = 32 * 1024 * 1024;
      const flood = floodHandler(TOTAL);
      const server = await serve(flood.handler);
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {} });
      await new Promise((r) => setTimeout(r, 300)); // the reader is busy elsewhere
      let read = 0;
      let writtenAtFirstRead = -1;
      for await (const chunk of res.body) {
        if (writtenAtFirstRead === -1) writtenAtFirstRead = flood.written();
        read += chunk.length;
      }
      expect(read).toBe(TOTAL);
      // Socket buffers hold a few MB on loopback; without backpressure all 32 MB would be in.
      expect(writtenAtFirstRead).toBeLessThan(TOTAL / 2);
    });

    it("cuts the upstream request when the reader stops early", async () => {
      const stream = openStreamHandler();
      const server = await serve(stream.handler);
      const res = await makeTransport()({ method: "GET", url: server.url, headers: {} });
      for await (const chunk of res.body) {
        expect(textOf([chunk])).toBe("data: 1\n\n");
        break;
      }
      await stream.closed; // the test times out if the upstream request is never cut
    });

    it("dump() discards a finished answer and the connection serves the next request", async () => {
      const sockets = new Set<unknown>();
      const server = await serve((req, res) => {
        sockets.add(req.socket);
        res.writeHead(500, { "content-type": "application/json" });
        res.end('{"error":{"message":"nope"}}');
      });
      const transport = makeTransport();
      const first = await transport({ method: "GET", url: server.url, headers: {} });
      await first.dump();
      const second = await transport({ method: "GET", url: server.url, headers: {} });
      expect(await second.text()).toContain("nope");
      expect(second.status).toBe(500);
    });
  });
}
