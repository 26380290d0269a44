import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSse, postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * One rule for how a stream ends, table-tested: every way an upstream stream can end, against
 * every route (native Responses, native Chat, the chat bridge), through the real proxy process,
 * with a scripted upstream. What the client reads must be whole events only, in its own format,
 * ending with the format's own error after a failure (never a success marker), and the log line
 * and spend row must say failure with its cause.
 */

const SECRET = "sk-upstream-echoed-secret-0123456789";
type Ending = "clean" | "error" | "failed" | "incomplete" | "reset_between" | "reset_inside" | "idle";
const ENDINGS: Ending[] = ["clean", "error", "failed", "incomplete", "reset_between", "reset_inside", "idle"];

const response = (status: string, extra: object = {}) => ({
  id: "resp_0123456789abcdef0123456789abcdef",
  object: "response",
  created_at: 1741369938,
  model: "gpt-4o",
  status,
  output: [],
  usage: status === "in_progress" ? null : { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
  ...extra,
});
const event = (type: string, seq: number, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...data })}\n\n`;
const chunk = (data: object) => `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", ...data })}\n\n`;

function responsesEvents(ending: Ending): { events: string[]; cut?: "between" | "inside" | "idle" } {
  const head = [
    event("response.created", 0, { response: response("in_progress") }),
    event("response.output_item.added", 1, { output_index: 0, item: { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] } }),
    event("response.output_text.delta", 2, { item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hello" }),
  ];
  switch (ending) {
    case "clean":
      return { events: [...head, event("response.completed", 3, { response: response("completed") })] };
    case "error":
      // The upstream's own error event, echoing a key (upstreams have done so).
      return { events: [...head, event("error", 3, { code: "server_error", message: `The server had an error (key ${SECRET}).`, param: null })] };
    case "failed":
      return { events: [...head, event("response.failed", 3, { response: response("failed", { error: { code: "server_error", message: "The model failed." } }) })] };
    case "incomplete":
      return { events: [...head, event("response.incomplete", 3, { response: response("incomplete", { incomplete_details: { reason: "max_output_tokens" } }) })] };
    case "reset_between":
      return { events: head, cut: "between" };
    case "reset_inside":
      return { events: [...head, event("response.output_text.delta", 3, { item_id: "msg_1", output_index: 0, content_index: 0, delta: " world, and more" })], cut: "inside" };
    case "idle":
      return { events: head, cut: "idle" };
  }
}

function chatEvents(ending: Ending): { events: string[]; cut?: "between" | "inside" | "idle" } {
  const head = [chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }), chunk({ choices: [{ index: 0, delta: { content: "Hello" }, finish_reason: null }] })];
  switch (ending) {
    case "clean":
      return { events: [...head, chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }), "data: [DONE]\n\n"] };
    case "error":
    case "failed":
      return { events: [...head, `data: ${JSON.stringify({ error: { message: `The server had an error (key ${SECRET}).`, type: "server_error", param: null, code: "server_error" } })}\n\n`] };
    case "incomplete":
      return { events: [...head, chunk({ choices: [{ index: 0, delta: {}, finish_reason: "length" }] }), "data: [DONE]\n\n"] };
    case "reset_between":
      return { events: head, cut: "between" };
    case "reset_inside":
      return { events: [...head, chunk({ choices: [{ index: 0, delta: { content: " world, and more" }, finish_reason: null }] })], cut: "inside" };
    case "idle":
      return { events: head, cut: "idle" };
  }
}

/** Writes the script, then ends the way it says: close, reset between events, reset inside one, or fall silent. */
async function play(req: IncomingMessage, res: ServerResponse, script: { events: string[]; cut?: "between" | "inside" | "idle" }): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const { events, cut } = script;
  const last = cut === "inside" ? events.length - 1 : events.length;
  for (let i = 0; i < last; i++) {
    res.write(events[i]);
    await new Promise((r) => setTimeout(r, 5));
  }
  if (cut === "inside") {
    const e = events.at(-1)!;
    res.write(e.slice(0, Math.floor(e.length / 2)));
    await new Promise((r) => setTimeout(r, 30));
    res.destroy();
  } else if (cut === "between") {
    await new Promise((r) => setTimeout(r, 30));
    res.destroy();
  } else if (cut === "idle") {
    req.socket.once("close", () => res.destroy());
  } else {
    res.end();
  }
}

function scriptedUpstream(): Server {
  return createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", () => {
      const ending = (/ending:([a-z_]+)/.exec(body)?.[1] ?? "clean") as Ending;
      const isChat = (req.url ?? "").includes("/chat/completions");
      void play(req, res, isChat ? chatEvents(ending) : responsesEvents(ending));
    });
  });
}

let upstream: Server;
let proxy: ProxyProcess;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  upstream = scriptedUpstream();
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  // timeout: 0.5 s between chunks ends the idle streams; no retries: each request is one attempt.
  const models = [azureModel("native", "azure/gpt-4o", url, { timeout: 0.5, api_key: SECRET }), azureModel("bridge", "azure/responses/gpt-4o", url, { timeout: 0.5, api_key: SECRET })];
  proxy = await spawnProxy(writeConfig(configYaml(models.join("\n"), "router_settings:\n  num_retries: 0\n")));
});

afterAll(async () => {
  await killAll();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

type Route = "responses" | "chat" | "bridge";
const ROUTES: Route[] = ["responses", "chat", "bridge"];

async function streamOf(route: Route, ending: Ending): Promise<{ status: number; text: string; requestId: string }> {
  const content = `hi ending:${ending}`;
  const res =
    route === "responses"
      ? await postJson(`${proxy.url}/v1/responses`, { model: "native", input: content, stream: true }, auth)
      : await postJson(`${proxy.url}/v1/chat/completions`, { model: route === "chat" ? "native" : "bridge", messages: [{ role: "user", content }], stream: true }, auth);
  return { status: res.status, text: await res.text(), requestId: res.headers.get("x-request-id")! };
}

const failing = (ending: Ending) => ending !== "clean" && ending !== "incomplete";

describe.each(ROUTES)("a %s stream", (route) => {
  it.each(ENDINGS)("that ends %s reaches the client as whole events in its own format, ending truthfully", async (ending) => {
    const { status, text, requestId } = await streamOf(route, ending);
    expect(status).toBe(200);
    const events = parseSse(text);
    // Every data line is JSON (or [DONE]): no half-forwarded event, nothing glued to one.
    for (const e of events) if (e.data !== "[DONE]") expect(() => JSON.parse(e.data), `not JSON: ${e.data}`).not.toThrow();
    expect(text).not.toContain(SECRET);
    const last = events.at(-1)!;
    if (route === "responses") {
      if (ending === "clean") expect(last.event).toBe("response.completed");
      else if (ending === "incomplete") expect(last.event).toBe("response.incomplete");
      else if (ending === "failed") expect(last.event).toBe("response.failed");
      else {
        expect(last.event).toBe("error");
        const data = JSON.parse(last.data);
        // OpenAI's ResponseErrorEvent: flat code, message, param, sequence_number.
        expect(data).toMatchObject({ type: "error", code: expect.any(String), message: expect.any(String), sequence_number: expect.any(Number) });
        expect(data).toHaveProperty("param");
        expect(data.message).not.toMatch(/127\.0\.0\.1|UND_ERR/);
      }
    } else {
      const done = events.some((e) => e.data === "[DONE]");
      if (failing(ending)) {
        expect(done, "no [DONE] after a failure").toBe(false);
        expect(JSON.parse(last.data)).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
        expect(JSON.parse(last.data).error.message).not.toMatch(/127\.0\.0\.1|UND_ERR/);
      } else {
        expect(last.data).toBe("[DONE]");
        const finish = events.map((e) => (e.data === "[DONE]" ? undefined : JSON.parse(e.data).choices?.[0]?.finish_reason)).filter(Boolean);
        expect(finish).toEqual([ending === "clean" ? "stop" : "length"]);
      }
    }

    // The log line and the spend row tell the same story.
    const line = await waitFor(() => proxy.logs().find((l) => l.msg === "request" && l.request_id === requestId));
    const rows = await waitFor(async () => {
      const res = await fetch(`${proxy.url}/spend/logs?limit=100`, { headers: auth });
      const data = ((await res.json()) as { data: { request_id: string; status: number; error_code: string | null }[] }).data;
      return data.find((r) => r.request_id === requestId);
    });
    if (failing(ending)) {
      expect(line).toMatchObject({ stream_end: "upstream_failed", error: { code: expect.any(String) } });
      expect(rows.status).toBeGreaterThanOrEqual(500);
      expect(rows.error_code).not.toBeNull();
    } else {
      expect(line).not.toHaveProperty("error");
      expect(rows.status).toBe(200);
    }
    expect(JSON.stringify(line)).not.toContain(SECRET);
  });
});

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("what the official openai client makes of a broken stream", () => {
  it("throws an APIError carrying the proxy's message and code, not a parse error or a silent end", async () => {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
    for (const ending of ["reset_between", "reset_inside"] as const) {
      const stream = await client.responses.create({ model: "native", input: `hi ending:${ending}`, stream: true });
      const seen: string[] = [];
      const err = await (async () => {
        for await (const e of stream) seen.push(e.type);
      })().catch((e: unknown) => e);
      expect(seen[0]).toBe("response.created");
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as Error).message).toContain("The connection to the upstream was lost after the stream had started.");
    }
  });
});

describe("under load, with upstreams that break inside events", () => {
  it("writes 0 data lines that are not JSON across hundreds of concurrent streams, on every route", async () => {
    const endings: Ending[] = ["clean", "reset_inside", "clean", "reset_between", "clean", "error"];
    let next = 0;
    let streams = 0;
    const broken: string[] = [];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 360) {
          const i = next++;
          const { text } = await streamOf(ROUTES[i % 3]!, endings[i % endings.length]!);
          streams++;
          for (const e of parseSse(text)) {
            if (e.data === "[DONE]") continue;
            try {
              JSON.parse(e.data);
            } catch {
              broken.push(e.data);
            }
          }
        }
      }),
    );
    expect(streams).toBe(360);
    expect(broken).toEqual([]);
  });
});
