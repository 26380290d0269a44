import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUT_CONNECTION, startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseSse, postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/* Streams that do not end the happy way: client abort, upstream failure, SIGTERM. */

let emu: EmulatorServer;
let configFile: string;
let proxy: ProxyProcess;
let client: OpenAI;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  // 60 ms between events: a stream takes about a second, long enough to interrupt.
  emu = await startEmulator({ streamDelayMs: 60 });
  configFile = writeConfig(
    configYaml(
      [
        azureModel("gpt-4o", "azure/gpt-4o", emu.url),
        azureModel("bridge", "azure/responses/gpt-4o", emu.url),
      ].join("\n"),
    ),
  );
  proxy = await spawnProxy(configFile);
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

async function readFirstChunk(res: Response): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  return reader;
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let rest = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return rest + decoder.decode();
    rest += decoder.decode(value, { stream: true });
  }
}

describe("client abort", () => {
  it.each([
    ["/v1/responses", { model: "gpt-4o", input: "Tell me a story about a unicorn.", stream: true }],
    ["/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "Tell me a story about a unicorn." }], stream: true }],
    ["/v1/chat/completions", { model: "bridge", messages: [{ role: "user", content: "Tell me a story about a unicorn." }], stream: true }],
  ])("aborts the upstream request at once when the client leaves %s mid-stream", async (path, body) => {
    const before = emu.exchanges.length;
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}${path}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    await readFirstChunk(res);
    const abortedAt = Date.now();
    controller.abort();
    const exchange = emu.exchanges[before]!;
    const closed = await exchange.closed;
    expect(closed.early).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(closed.chunks).toBeLessThan(10);
  });

  it("logs the aborted stream with stream_end client_closed", async () => {
    await new Promise((r) => setTimeout(r, 300));
    const lines = proxy.logs().filter((l) => l.msg === "request" && l.stream === true);
    expect(lines.some((l) => l.stream_end === "client_closed")).toBe(true);
  });
});

describe("upstream failure mid-stream", () => {
  it("ends a Responses stream with a nested error event the openai client throws on", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: `hello ${CUT_CONNECTION}`, stream: true }, auth);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    const last = events.at(-1)!;
    expect(last.event).toBe("error");
    const payload = JSON.parse(last.data) as { type: string; sequence_number: number; error: { message: string; type: string; code: string } };
    expect(payload).toMatchObject({ type: "error", sequence_number: events.length - 1, error: { type: "api_connection_error" } });
    expect(payload.error.message).toMatch(/upstream/i);

    const stream = await client.responses.create({ model: "gpt-4o", input: `again ${CUT_CONNECTION}`, stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of stream) seen.push(e.type);
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(seen[0]).toBe("response.created");
  });

  it.each([CUT_CONNECTION, "[[fail_midstream]]"])("ends a Chat stream (native and bridged) with a data-only error chunk: %s", async (trigger) => {
    for (const model of ["gpt-4o", "bridge"]) {
      const res = await postJson(`${proxy.url}/v1/chat/completions`, { model, messages: [{ role: "user", content: `hi ${trigger}` }], stream: true }, auth);
      expect(res.status).toBe(200);
      const events = parseSse(await res.text());
      const last = events.at(-1)!;
      expect(last.event).toBeUndefined();
      expect(JSON.parse(last.data)).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
      expect(events.some((e) => e.data === "[DONE]")).toBe(false);
    }
  });

  it("passes an upstream's own failure events through untouched, adding nothing", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "[[fail_midstream]] hi", stream: true }, auth);
    const events = parseSse(await res.text());
    const types = events.map((e) => e.event);
    expect(types).toContain("response.failed");
    expect(types.filter((t) => t === "error").length).toBeLessThanOrEqual(1);
    expect(types.at(-1)).toBe("response.failed");
    const final = await client.responses.stream({ model: "gpt-4o", input: "[[fail_midstream]] again" }).finalResponse().catch((e: unknown) => e);
    // openai-node throws on the nested error event, or resolves with status failed: never hangs
    if (final instanceof Error) expect(final).toBeInstanceOf(OpenAI.APIError);
    else expect((final as OpenAI.Responses.Response).status).toBe("failed");
  });
});

describe("SIGTERM", () => {
  it("finishes the stream in flight, refuses new work, then exits 0", async () => {
    const own = await spawnProxy(configFile);
    const res = await postJson(`${own.url}/v1/responses`, { model: "gpt-4o", input: "Tell me a story about a unicorn.", stream: true }, auth);
    const reader = await readFirstChunk(res);
    own.child.kill("SIGTERM");
    const rest = await readRest(reader);
    const events = parseSse(rest);
    expect(events.at(-1)!.event).toBe("response.completed");
    expect(await own.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${own.url}/health/liveliness`)).rejects.toThrow();
    expect(own.stdout()).toContain('"msg":"draining"');
  });

  it("cuts what outlives the grace period with an error event, and still exits 0", async () => {
    const impatient = writeConfig(
      configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url), "  graceful_shutdown_timeout_seconds: 0.3\n"),
    );
    const own = await spawnProxy(impatient);
    const res = await postJson(`${own.url}/v1/responses`, { model: "gpt-4o", input: "Tell me a story about a unicorn.", stream: true }, auth);
    const reader = await readFirstChunk(res);
    const signalledAt = Date.now();
    own.child.kill("SIGTERM");
    const rest = await readRest(reader);
    const last = parseSse(rest).at(-1)!;
    expect(last.event).toBe("error");
    expect(JSON.parse(last.data)).toMatchObject({ type: "error", error: { code: "proxy_shutting_down" } });
    expect(await own.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(3000);
  });
});

/** One Responses SSE event as an upstream writes it. */
const sseEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
/** A Response snapshot for the hand-written upstreams below. */
const snapshot = (id: string, status: string) => ({ id, object: "response", created_at: 1741369938, model: "gpt-4o", status, output: [], usage: null });

/** A hand-written SSE upstream: `stream` writes each answer after its headers; `closed` settles when the proxy closes one. */
function sseUpstream(stream: (res: ServerResponse) => void): { server: Server; closed: Promise<void> } {
  let upstreamClosed!: () => void;
  const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
  const server = createServer((req, res) => {
    req.resume();
    res.on("close", () => upstreamClosed());
    res.writeHead(200, { "content-type": "text/event-stream" });
    stream(res);
  });
  return { server, closed };
}

/** A proxy with one model in front of a hand-written upstream (what the emulator cannot do); both stopped afterwards. */
async function withOwnUpstream(upstream: Server, modelName: string, model: string, run: (proxy: ProxyProcess) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  try {
    const own = await spawnProxy(writeConfig(configYaml(azureModel(modelName, model, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`))));
    try {
      await run(own);
    } finally {
      await own.stop();
    }
  } finally {
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  }
}

describe("a stream whose first event is slow", () => {
  it("still shows the client its headers before that event", async () => {
    // An upstream that sends its headers, then holds the first event until the test has seen
    // the proxy's headers: if the proxy kept them for the first event, the fetch never resolves.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      void released.then(() => {
        res.write(sseEvent("response.created", { sequence_number: 0, response: snapshot("resp_slow1", "in_progress") }));
        res.end(sseEvent("response.completed", { sequence_number: 1, response: snapshot("resp_slow1", "completed") }));
      });
    });
    await withOwnUpstream(upstream, "slow-first", "azure/gpt-4o", async (slowProxy) => {
      const res = await fetch(`${slowProxy.url}/v1/responses`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ model: "slow-first", input: "hi", stream: true }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      release();
      const text = await res.text();
      expect(text).toContain("event: response.completed");
      expect(text).not.toContain("resp_slow1"); // ids are the proxy's routable ones
    }).finally(release);
  });
});

describe("a slow client that leaves a bridged stream while the proxy waits for it", () => {
  it("ends the request (upstream aborted, logged client_closed) instead of waiting forever", async () => {
    // An upstream that streams far more than the client's socket holds: the proxy has to wait
    // for the client, who then goes away without reading.
    const delta = "x".repeat(4096);
    const { server: upstream, closed } = sseUpstream((res) => {
      res.write(sseEvent("response.created", { sequence_number: 0, response: snapshot("resp_big1", "in_progress") }));
      let i = 0;
      const more = () => {
        while (i < 20_000) {
          i++;
          const ok = res.write(sseEvent("response.output_text.delta", { sequence_number: i, item_id: "msg_1", output_index: 0, content_index: 0, delta }));
          if (!ok) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    });
    await withOwnUpstream(upstream, "big-bridge", "azure/responses/gpt-4o", async (bigProxy) => {
      const controller = new AbortController();
      const res = await fetch(`${bigProxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ model: "big-bridge", messages: [{ role: "user", content: "hi" }], stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read(); // the stream has started; now stop reading, so the proxy's socket fills
      await new Promise((r) => setTimeout(r, 500));
      controller.abort();
      await closed; // the upstream request is cut
      for (let i = 0; i < 50; i++) {
        if (bigProxy.logs().some((l) => l.msg === "request" && l.stream_end === "client_closed")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(bigProxy.logs().some((l) => l.msg === "request" && l.model_name === "big-bridge" && l.stream_end === "client_closed")).toBe(true);
    });
  });
});

describe("an upstream that keeps the connection open after its terminal event", () => {
  it("ends the client's bridged stream with [DONE] at once, lets the upstream go and logs a complete stream", async () => {
    const { server: upstream, closed } = sseUpstream((res) => {
      res.write(sseEvent("response.created", { sequence_number: 0, response: snapshot("resp_open1", "in_progress") }));
      res.write(sseEvent("response.output_text.delta", { sequence_number: 1, item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi" }));
      const usage = { input_tokens: 3, output_tokens: 1, total_tokens: 4 };
      res.write(sseEvent("response.completed", { sequence_number: 2, response: { ...snapshot("resp_open1", "completed"), usage } }));
      // ...and never ends the response.
    });
    await withOwnUpstream(upstream, "open-bridge", "azure/responses/gpt-4o", async (openProxy) => {
      const startedAt = Date.now();
      const res = await fetch(`${openProxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ model: "open-bridge", messages: [{ role: "user", content: "hi" }], stream: true }),
      });
      const events = parseSse(await res.text());
      expect(Date.now() - startedAt).toBeLessThan(2000);
      expect(events.at(-1)!.data).toBe("[DONE]");
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: { delta: { content?: string }; finish_reason: string | null }[] });
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hi");
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
      await closed; // the proxy let go of the upstream request
      let line: Record<string, unknown> | undefined;
      for (let i = 0; i < 50 && !line; i++) {
        line = openProxy.logs().find((l) => l.msg === "request" && l.model_name === "open-bridge");
        if (!line) await new Promise((r) => setTimeout(r, 100));
      }
      expect(line).toMatchObject({ status: 200, stream: true });
      expect(line!.stream_end).toBeUndefined();
    });
  });
});
