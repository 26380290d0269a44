import OpenAI from "openai";
import { ResponsesWS } from "openai/resources/responses/ws";
import type { ResponsesServerEvent } from "openai/resources/responses/responses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseSse } from "./helpers/sse.js";
import { waitFor } from "./helpers/spend.js";
import { openSocket, refusedUpgrade, type RawSocket } from "./helpers/ws-client.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * The Responses API's WebSocket mode on GET /v1/responses, driven by the official openai client's
 * ResponsesWS and by a plain `ws` client: every turn goes through the same pipeline as POST
 * /v1/responses (classic and v1 Azure routes, the chat bridge), with the connection's own memory
 * of an unstored response, warm-ups, errors as frames, keys and limits on the upgrade and per turn.
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  emu = await startEmulator();
  const models = [
    azureModel("team-gpt", "azure/gpt-4o", emu.url),
    azureModel("codex", "azure/codex-mini", emu.url, { api_version: "preview" }),
    azureModel("chat-only", "azure/gpt-4o", emu.url, { responses_via_chat: "true" }),
  ];
  proxy = await spawnProxy(writeConfig(configYaml(models.join("\n"))));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

const wsUrl = (path = "/v1/responses") => `${proxy.url.replace("http:", "ws:")}${path}`;

/** Events of one turn on the official client, up to its terminal event. */
function turnOf(rws: ResponsesWS, event: Parameters<ResponsesWS["send"]>[0]): Promise<ResponsesServerEvent[]> {
  const seen: ResponsesServerEvent[] = [];
  return new Promise((resolve, reject) => {
    const onEvent = (e: ResponsesServerEvent) => {
      seen.push(e);
      if (e.type === "response.completed" || e.type === "response.failed" || e.type === "response.incomplete") {
        rws.off("event", onEvent);
        resolve(seen);
      }
    };
    rws.on("event", onEvent);
    rws.once("error", (err) => {
      rws.off("event", onEvent);
      reject(err);
    });
    rws.send(event);
  });
}

async function sseTypes(model: string, input: string): Promise<string[]> {
  const res = await fetch(`${proxy.url}/v1/responses`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ model, input, stream: true }),
  });
  return parseSse(await res.text()).map((e) => (JSON.parse(e.data) as { type: string }).type);
}

describe("WebSocket mode with the official openai client", () => {
  it("streams the same events as SSE, on the classic route, the v1 route and the chat bridge", async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY });
    const rws = new ResponsesWS(client);
    try {
      for (const [model, upstreamPath] of [
        ["team-gpt", "/openai/responses"],
        ["codex", "/openai/v1/responses"],
        ["chat-only", "/openai/deployments/gpt-4o/chat/completions"],
      ] as const) {
        const events = await turnOf(rws, { type: "response.create", model, input: "Hello over a socket" });
        expect(emu.emulator.requests.at(-1)).toMatchObject({ method: "POST", path: upstreamPath });
        // Azure's v1 API has WebSocket mode: the turn went over the proxy's own WebSocket to it.
        // The classic API and the chat bridge have none: a streamed HTTP create.
        expect(emu.emulator.requests.at(-1)!.headers["x-emulator-transport"]).toBe(model === "codex" ? "websocket" : undefined);
        expect(events.map((e) => e.type)).toEqual(await sseTypes(model, "Hello over a socket"));
        const done = events.at(-1) as Extract<ResponsesServerEvent, { type: "response.completed" }>;
        expect(JSON.stringify(done.response.output)).toContain("Hello over a socket");
        expect(done.response.usage?.total_tokens).toBeGreaterThan(0);
        // The proxy's routable id, usable on the HTTP routes (retrieve) when stored.
        if (model !== "chat-only") {
          const again = await client.responses.retrieve(done.response.id);
          expect(again.id).toBe(done.response.id);
        }
      }
    } finally {
      rws.close();
    }
  });

  it("continues an unstored response from the connection's memory: the upstream gets the whole context", async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY });
    const rws = new ResponsesWS(client);
    try {
      const include = ["reasoning.encrypted_content" as const];
      const first = await turnOf(rws, { type: "response.create", model: "codex", input: "Find fizz_buzz()", store: false, include });
      const firstId = (first.at(-1) as { response: { id: string } }).response.id;
      const second = await turnOf(rws, { type: "response.create", model: "codex", input: "Now fix it", store: false, include, previous_response_id: firstId });
      expect(second.at(-1)!.type).toBe("response.completed");
      // The Response names the response it continues, as the caller sent it.
      for (const event of second.filter((e) => "response" in e)) expect((event as { response: { previous_response_id: unknown } }).response.previous_response_id).toBe(firstId);
      // codex is on Azure's v1 API: the turn went over the proxy's WebSocket to it, which holds the
      // first response, so the proxy sent only the new input and the upstream's id of the first.
      expect(emu.emulator.requests.at(-1)!.headers["x-emulator-continued"]).toMatch(/^resp_[0-9a-f]{48}$/);
      const sent = emu.emulator.requests.at(-1)!.body as { input: Array<{ role?: string; type?: string; encrypted_content?: string }>; previous_response_id?: string };
      expect(sent.previous_response_id).toBeUndefined();
      // What Codex depends on passes through untouched: store:false, the include, and the
      // encrypted reasoning of the first turn, replayed to the upstream as it encrypted it.
      expect(sent).toMatchObject({ store: false, include });
      const reasoning = sent.input.find((item) => item.type === "reasoning");
      expect(reasoning?.encrypted_content).toEqual(expect.any(String));
      const firstOutput = (first.at(-1) as { response: { output: Array<{ type: string; encrypted_content?: string }> } }).response.output;
      expect(reasoning?.encrypted_content).toBe(firstOutput.find((o) => o.type === "reasoning")?.encrypted_content);
      // Earlier input, earlier output (reasoning and message), then the new input.
      expect(sent.input[0]).toMatchObject({ role: "user", content: "Find fizz_buzz()" });
      expect(sent.input.some((item) => item.type === "message" && item.role === "assistant")).toBe(true);
      expect(sent.input.at(-1)).toMatchObject({ role: "user", content: "Now fix it" });
      // Only the most recent unstored response is kept: the first can no longer be continued.
      const stale = await turnOf(rws, { type: "response.create", model: "codex", input: "again", store: false, previous_response_id: firstId }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ error: { status: 400, error: { code: "previous_response_not_found", param: "previous_response_id" } } });
      expect((stale as Error).message).toContain("only its most recent response");
    } finally {
      rws.close();
    }
  });

  it("a stored response is continued by the upstream, which holds it", async () => {
    const socket = await openSocket(wsUrl(), auth);
    try {
      const first = await socket.turn({ type: "response.create", model: "team-gpt", input: "Remember 7" });
      const id = (first.at(-1) as { response: { id: string } }).response.id;
      const second = await socket.turn({ type: "response.create", model: "team-gpt", input: "What number?", previous_response_id: id });
      expect(second.at(-1)).toMatchObject({ type: "response.completed", response: { previous_response_id: id } });
      const sent = emu.emulator.requests.at(-1)!.body as { previous_response_id?: string };
      expect(sent.previous_response_id).toMatch(/^resp_/);
      expect(sent.previous_response_id).not.toBe(id); // the upstream's own id, decoded from ours
    } finally {
      socket.ws.close();
    }
  });
});

describe("WebSocket mode with a client of our own", () => {
  it("a generate:false warm-up calls no upstream and primes the next turn", async () => {
    const socket = await openSocket(wsUrl(), auth);
    try {
      const before = emu.emulator.requests.length;
      const warm = await socket.turn({ type: "response.create", model: "team-gpt", generate: false, input: "You review Rust code.", store: false });
      expect(warm.map((f) => f.type)).toEqual(["response.created", "response.completed"]);
      expect(warm[1]).toMatchObject({ response: { status: "completed", output: [], usage: { total_tokens: 0 } } });
      expect(emu.emulator.requests.length).toBe(before);
      const id = (warm[1] as { response: { id: string } }).response.id;
      const next = await socket.turn({ type: "response.create", model: "team-gpt", input: "Review this", store: false, previous_response_id: id });
      expect(next.at(-1)!.type).toBe("response.completed");
      const sent = emu.emulator.requests.at(-1)!.body as { input: unknown[] };
      expect(sent.input).toEqual([
        { type: "message", role: "user", content: "You review Rust code." },
        { type: "message", role: "user", content: "Review this" },
      ]);
    } finally {
      socket.ws.close();
    }
  });

  it("bad frames get error frames and the connection stays usable; one response at a time", async () => {
    const socket = await openSocket(wsUrl("/openai/v1/responses"), { "api-key": MASTER_KEY });
    try {
      socket.send("not json");
      expect(await socket.next("error")).toMatchObject({ status: 400, error: { code: "invalid_json", type: "invalid_request_error" } });
      socket.send({ type: "response.cancel" });
      expect(await socket.next("error")).toMatchObject({ status: 400, error: { code: "invalid_event_type", param: "type" } });
      socket.send({ type: "response.create", model: "team-gpt", input: [{ role: "nobody", content: "x" }] });
      expect(await socket.next("error")).toMatchObject({ status: 400, error: { type: "invalid_request_error" } });
      socket.send({ type: "response.create", model: "team-gpt", input: "x", background: true });
      expect(await socket.next("error")).toMatchObject({ status: 400, error: { param: "background", code: "unsupported_parameter" } });

      // A second create while the first streams is refused; the first finishes.
      const first = socket.next("response.completed");
      socket.send({ type: "response.create", model: "team-gpt", input: "slow one [[slow]]" });
      socket.send({ type: "response.create", model: "team-gpt", input: "too soon" });
      expect(await socket.next("error")).toMatchObject({ status: 400, error: { code: "response_in_progress" } });
      expect(await first).toMatchObject({ response: { status: "completed" } });
      // Codex's acknowledgement is accepted silently; the next create works.
      socket.send({ type: "response.processed", response_id: "resp_x" });
      expect((await socket.turn({ type: "response.create", model: "team-gpt", input: "after" })).at(-1)!.type).toBe("response.completed");
      // An upstream error before the stream is an error frame with the status and headers it would have had.
      const limited = await socket.turn({ type: "response.create", model: "team-gpt", input: "[[rate_limit]]" });
      expect(limited.at(-1)).toMatchObject({ type: "error", status: 429, error: { type: "rate_limit_error" }, headers: { "retry-after": expect.any(String) } });
    } finally {
      socket.ws.close();
    }
  });

  it("the key is checked on the upgrade: refused with an HTTP answer in the OpenAI shape", async () => {
    const wrong = await refusedUpgrade(wsUrl(), { authorization: "Bearer sk-wrong" });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } });
    expect(JSON.stringify(wrong.body)).not.toContain(MASTER_KEY);
    const elsewhere = await refusedUpgrade(wsUrl("/v1/chat/completions"), auth);
    expect(elsewhere.status).toBe(405);
    const plain = await fetch(`${proxy.url}/v1/responses`, { headers: auth });
    expect(plain.status).toBe(426);
    expect(plain.headers.get("upgrade")).toBe("websocket");
  });

  it("each turn is its own log line and spend row, with usage and cost", async () => {
    const socket = await openSocket(wsUrl(), auth);
    await socket.turn({ type: "response.create", model: "team-gpt", input: "count me" });
    await socket.turn({ type: "response.create", model: "codex", input: "and me" });
    socket.ws.close();
    await socket.closed;
    const turns = await waitFor(() => {
      const lines = proxy.logs().filter((l) => l.msg === "request" && typeof l.websocket === "string" && l.status === 200);
      const mine = lines.filter((l) => l.websocket === lines.at(-1)!.websocket);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(turns.map((l) => l.model_name)).toEqual(["team-gpt", "codex"]);
    for (const line of turns) {
      expect(line).toMatchObject({ method: "GET", path: "/v1/responses", stream: true });
      expect((line.usage as { total_tokens: number }).total_tokens).toBeGreaterThan(0);
      expect(line.cost).toBeGreaterThan(0);
    }
    expect(new Set(turns.map((l) => l.request_id)).size).toBe(2);
    const rows = await waitFor(async () => {
      const r = await fetch(`${proxy.url}/spend/logs?limit=100`, { headers: auth });
      const data = ((await r.json()) as { data: Array<{ request_id: string; cost: number; call_type: string; stream: unknown }> }).data;
      const mine = data.filter((row) => turns.some((t) => t.request_id === row.request_id));
      return mine.length === 2 ? mine : undefined;
    }, 5000);
    for (const row of rows) expect(row).toMatchObject({ call_type: "responses", cost: expect.any(Number) });
    for (const row of rows) expect(row.cost).toBeGreaterThan(0);
  });
});

describe("the upstream's own WebSocket (Azure's v1 API)", () => {
  let other: ProxyProcess;

  beforeAll(async () => {
    const models = [
      azureModel("codex", "azure/codex-mini", emu.url, { api_version: "preview" }),
      azureModel("wrong-key", "azure/codex-mini", emu.url, { api_version: "preview", api_key: "not-the-key" }),
    ];
    other = await spawnProxy(writeConfig(configYaml(models.join("\n"), "router_settings:\n  num_retries: 0\n")));
  });

  it("relays the upstream's error frame as the error it stands for, and keeps the connection", async () => {
    const socket = await openSocket(`${other.url.replace("http:", "ws:")}/v1/responses`, auth);
    try {
      const limited = await socket.turn({ type: "response.create", model: "codex", input: "[[rate_limit]]" });
      expect(limited).toHaveLength(1);
      expect(limited[0]).toMatchObject({ type: "error", status: 429, error: { type: "rate_limit_error" } });
      expect(emu.emulator.requests.at(-1)!.headers["x-emulator-transport"]).toBe("websocket");
      expect((await socket.turn({ type: "response.create", model: "codex", input: "fine now" })).at(-1)!.type).toBe("response.completed");
    } finally {
      socket.ws.close();
    }
  });

  it("falls back to HTTP when the upstream refuses the WebSocket, which then says why", async () => {
    const socket = await openSocket(`${other.url.replace("http:", "ws:")}/v1/responses`, auth);
    try {
      const refused = await socket.turn({ type: "response.create", model: "wrong-key", input: "hi" });
      expect(refused.at(-1)).toMatchObject({ type: "error", status: 401, error: { code: "upstream_authentication_error" } });
      // The refused handshake, then the turn over HTTP.
      expect(emu.emulator.requests.at(-1)).toMatchObject({ method: "POST", path: "/openai/v1/responses" });
      expect(emu.emulator.requests.at(-1)!.headers["x-emulator-transport"]).toBeUndefined();
      expect(JSON.stringify(other.logs())).not.toContain("not-the-key");
    } finally {
      socket.ws.close();
    }
  });
});

describe("WebSocket connection limits", () => {
  let limited: ProxyProcess;
  let socket: RawSocket | undefined;

  beforeAll(async () => {
    limited = await spawnProxy(writeConfig(configYaml(azureModel("team-gpt", "azure/gpt-4o", emu.url), "  websocket_max_connection_minutes: 0.01\n")));
  });

  it("a create after the connection's time is up gets websocket_connection_limit_reached, then a normal close", async () => {
    socket = await openSocket(`${limited.url.replace("http:", "ws:")}/v1/responses`, auth);
    expect((await socket.turn({ type: "response.create", model: "team-gpt", input: "in time" })).at(-1)!.type).toBe("response.completed");
    await new Promise((resolve) => setTimeout(resolve, 700)); // past the 0.6 s the config allows
    const late = await socket.turn({ type: "response.create", model: "team-gpt", input: "too late" });
    expect(late.at(-1)).toMatchObject({ type: "error", status: 400, error: { code: "websocket_connection_limit_reached" } });
    expect((await socket.closed).code).toBe(1000);
  });

  it("SIGTERM closes an idle connection with 1001, so clients reconnect elsewhere", async () => {
    socket = await openSocket(`${limited.url.replace("http:", "ws:")}/v1/responses`, auth);
    limited.child.kill("SIGTERM");
    expect((await socket.closed).code).toBe(1001);
    expect((await limited.exited).code).toBe(0);
  });
});
