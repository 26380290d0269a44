import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, RESPONSES_URL, parseSse } from "./emulator-test-support.js";
import { startEmulatorServer, startFaultServer, type EmulatorFault, type EmulatorServer } from "./fault-server.js";

/** The fault-injecting loopback server: each fault as a client sees it, and the exchanges it records. */

let next: EmulatorFault | undefined;
let server: EmulatorServer;

beforeAll(async () => {
  server = await startEmulatorServer({}, { fault: ({ method }) => (method === "POST" ? next : undefined) });
});
beforeEach(() => {
  next = undefined;
  server.exchanges.length = 0;
});
afterAll(() => server.close());

const create = (body: Record<string, unknown>) =>
  fetch(server.url + RESPONSES_URL, { method: "POST", headers: { "api-key": API_KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o", ...body }) });

/** The body as far as it came, and whether the connection broke before its end. */
async function read(res: Response): Promise<{ text: string; broken: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
}

describe("startEmulatorServer", () => {
  it("answers as the emulator when no fault is chosen, and records the exchange", async () => {
    const res = await create({ input: "Hello" });
    expect(res.status).toBe(200);
    expect(await read(res)).toMatchObject({ broken: false });
    expect(server.exchanges).toHaveLength(1);
    expect(server.exchanges[0]).toMatchObject({ method: "POST", path: "/openai/responses", body: { model: "gpt-4o", input: "Hello" }, fault: undefined });
    expect(await server.exchanges[0]!.closed).toEqual({ early: false, chunks: 1 });
    expect(server.emulator.requests.at(-1)?.route).toBe("responses.create");
  });

  it.each([
    ["http_500", 500, {}],
    ["http_429", 429, { "retry-after": "0" }],
  ] as const)("%s: an Azure-style error", async (fault, status, headers) => {
    next = fault;
    const res = await create({ input: "Hello" });
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(headers)) expect(res.headers.get(name)).toBe(value);
    expect(await res.json()).toMatchObject({ error: { code: String(status) } });
    expect(server.exchanges.map((e) => e.fault)).toEqual([fault]);
  });

  it("reset_before_headers: the request fails without an answer", async () => {
    next = "reset_before_headers";
    await expect(create({ input: "Hello" })).rejects.toThrow();
    expect(await server.exchanges[0]!.closed).toMatchObject({ early: true, chunks: 0 });
  });

  it("reset_before_first_event: 200 and SSE headers, then a reset", async () => {
    next = "reset_before_first_event";
    const res = await create({ input: "Hello", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(await read(res)).toEqual({ text: "", broken: true });
  });

  it.each([
    ["error_event_first", { error: { type: "server_error", code: "server_error", message: expect.any(String), param: null } }],
    ["flat_error_event_first", { code: "server_error", message: expect.any(String), param: null }],
  ] as const)("%s: a stream of one error event", async (fault, shape) => {
    next = fault;
    const { text, broken } = await read(await create({ input: "Hello", stream: true }));
    expect(broken).toBe(false);
    const events = parseSse(text);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toBe("error");
    expect(JSON.parse(events[0]!.data)).toEqual({ type: "error", sequence_number: 0, ...shape });
  });

  it("reset_mid_body: a stream cut after its first event, a JSON body after its first half", async () => {
    next = "reset_mid_body";
    const stream = await read(await create({ input: "Tell me about a unicorn.", stream: true }));
    expect(stream.broken).toBe(true);
    expect(parseSse(stream.text).map((e) => e.event)).toEqual(["response.created"]);
    expect(await server.exchanges[0]!.closed).toEqual({ early: true, chunks: 1 });

    const json = await read(await create({ input: "Hello" }));
    expect(json.broken).toBe(true);
    expect(json.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(json.text)).toThrow();
  });

  it("says when the client let go of a stream early", async () => {
    const slow = await startEmulatorServer({ streamDelayMs: 200 });
    try {
      const controller = new AbortController();
      const res = await fetch(slow.url + RESPONSES_URL, {
        method: "POST",
        headers: { "api-key": API_KEY, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true }),
        signal: controller.signal,
      });
      await res.body!.getReader().read();
      controller.abort();
      expect(await slow.exchanges[0]!.closed).toEqual({ early: true, chunks: 1 });
    } finally {
      await slow.close();
    }
  });
});

describe("startFaultServer", () => {
  it("serves any handler, with the injected errors in that service's words and a quick retry-after by default", async () => {
    const handler = { handle: async () => new Response("plain answer") };
    const custom = await startFaultServer(handler, { fault: ({ path }) => (path === "/limit" ? "http_429" : path === "/fail" ? "http_500" : undefined) }, {
      http_500: () => new Response('{"detail":"boom"}', { status: 500 }),
      http_429: () => new Response('{"detail":"slow down"}', { status: 429 }),
    });
    try {
      expect(await (await fetch(`${custom.url}/`)).text()).toBe("plain answer");
      const limited = await fetch(`${custom.url}/limit`);
      expect([limited.status, limited.headers.get("retry-after"), await limited.text()]).toEqual([429, "0", '{"detail":"slow down"}']);
      const failed = await fetch(`${custom.url}/fail`);
      expect([failed.status, await failed.text()]).toEqual([500, '{"detail":"boom"}']);
      expect(custom.emulator).toBe(handler);
      expect(custom.exchanges.map((e) => e.fault)).toEqual([undefined, "http_429", "http_500"]);
    } finally {
      await custom.close();
    }
  });
});
