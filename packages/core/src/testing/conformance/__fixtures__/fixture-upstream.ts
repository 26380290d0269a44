import type { ServerResponse } from "node:http";
import { readRequestBody, startTestServer, type TestServer } from "../../test-server.js";

/*
 * A small OpenAI-style upstream for the conformance suite's own tests: Responses (create, stream,
 * stored, background and cancel) and Chat Completions, under `/v1`, with a bearer key. Just
 * enough to be a correct upstream; the Azure and OpenAI emulators are the thorough ones.
 */

export const FIXTURE_KEY = "sk-fixture-secret-123456";

type Stored = { response: Record<string, unknown>; input: unknown };

export async function startFixtureUpstream(): Promise<TestServer> {
  const store = new Map<string, Stored>();
  let next = 0;
  const id = (prefix: string) => `${prefix}_${++next}`;
  return startTestServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://upstream");
    if (req.headers.authorization !== `Bearer ${FIXTURE_KEY}`) return json(res, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    const body = req.method === "POST" ? parseBody(await readRequestBody(req)) : {};
    const [, v1, api, responseId, action] = url.pathname.split("/");
    if (v1 !== "v1") return notFound(res);
    if (api === "chat" && responseId === "completions" && req.method === "POST") return chat(res, body, id("chatcmpl"));
    if (api !== "responses") return notFound(res);
    if (!responseId && req.method === "POST") {
      const response = responseObject(id("resp"), String(body.model), body.background === true ? "queued" : "completed");
      if (body.store !== false) store.set(response.id, { response, input: body.input });
      return body.stream === true ? responsesStream(res, response) : json(res, 200, response);
    }
    const stored = responseId ? store.get(responseId) : undefined;
    if (!stored) return json(res, 404, { error: { message: `No response found with id '${responseId}'.`, type: "invalid_request_error", param: null, code: null } });
    if (!action && req.method === "GET") return json(res, 200, stored.response);
    if (!action && req.method === "DELETE") {
      store.delete(responseId!);
      return json(res, 200, { id: responseId, object: "response.deleted", deleted: true });
    }
    if (action === "cancel" && req.method === "POST") return json(res, 200, (stored.response = { ...stored.response, status: "cancelled" }));
    if (action === "input_items" && req.method === "GET") {
      const text = typeof stored.input === "string" ? stored.input : JSON.stringify(stored.input);
      return json(res, 200, { object: "list", data: [{ id: `msg_${responseId}`, type: "message", role: "user", content: [{ type: "input_text", text }] }], first_id: `msg_${responseId}`, last_id: `msg_${responseId}`, has_more: false });
    }
    return notFound(res);
  });
}

const WORDS = ["Once", " upon", " a", " time", " there", " was", " a", " unicorn", "."];
const USAGE = { input_tokens: 5, output_tokens: WORDS.length, total_tokens: 5 + WORDS.length };

function responseObject(id: string, model: string, status: string) {
  const done = status === "completed";
  return {
    id,
    object: "response",
    created_at: 1_700_000_000,
    model,
    status,
    output: done ? [{ id: `msg_${id}`, type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: WORDS.join(""), annotations: [] }] }] : [],
    usage: done ? USAGE : null,
    error: null,
    incomplete_details: null,
  };
}

function responsesStream(res: ServerResponse, response: ReturnType<typeof responseObject>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": `req_${response.id}` });
  let seq = 0;
  const send = (event: Record<string, unknown> & { type: string }) => res.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: seq++ })}\n\n`);
  send({ type: "response.created", response: { ...response, status: "in_progress", output: [], usage: null } });
  for (const delta of WORDS) send({ type: "response.output_text.delta", item_id: `msg_${response.id}`, output_index: 0, content_index: 0, delta });
  send({ type: "response.completed", response });
  res.end();
}

function chat(res: ServerResponse, body: Record<string, unknown>, id: string): void {
  const usage = { prompt_tokens: 5, completion_tokens: WORDS.length, total_tokens: 5 + WORDS.length };
  const base = { id, object: "chat.completion.chunk", created: 1_700_000_000, model: String(body.model) };
  if (body.stream !== true) {
    return json(res, 200, { id, object: "chat.completion", created: base.created, model: base.model, choices: [{ index: 0, message: { role: "assistant", content: WORDS.join("") }, finish_reason: "stop" }], usage });
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  for (const [i, word] of WORDS.entries()) send({ ...base, choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: word } : { content: word }, finish_reason: null }] });
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) send({ ...base, choices: [], usage });
  res.end("data: [DONE]\n\n");
}

function parseBody(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_fixture" });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  json(res, 404, { error: { message: "Not found.", type: "invalid_request_error", param: null, code: null } });
}
