import { AuthenticationError, NotFoundError, parseModelReference, undiciTransport, type Deployment, type ResponseStreamEvent } from "@dheera/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiProvider } from "../src/index.js";
import { createOpenAIEmulator, REASONING_TEXT, type OpenAIEmulator } from "../src/testing/index.js";

/* The provider against its emulators on loopback: OpenAI itself, and a chat-only vLLM-like server. */

const transport = undiciTransport();
const servers: { close(): Promise<void> }[] = [];

async function serve(emulator: OpenAIEmulator): Promise<string> {
  const s = await emulator.listen();
  servers.push(s);
  return `${s.url}/v1`;
}

function deployment(model: string, settings: Record<string, unknown>, warn?: (m: string) => void): Deployment {
  return openaiProvider.resolve(parseModelReference(`openai/${model}`)!, openaiProvider.settingsSchema.parse(settings), { transport, env: {}, ...(warn ? { warn } : {}) });
}

async function events(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const out: ResponseStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await transport.close();
});

describe("openai/<model> against OpenAI", () => {
  let openai: OpenAIEmulator;
  let base: string;
  beforeAll(async () => {
    openai = createOpenAIEmulator();
    base = await serve(openai);
  });

  it("calls /responses natively, passing unknown parameters through, with the organization and project headers", async () => {
    const d = deployment("gpt-4o", { api_key: "sk-test-openai-key", api_base: base, organization: "org-1", project: "proj-1" });
    expect(d.native).toEqual({ responses: true, chat: true });
    const { body } = await d.responses!.create({ model: "ignored", input: "hi", some_new_param: { x: 1 } });
    expect(body).toMatchObject({ object: "response", status: "completed", model: "gpt-4o" });
    const reached = openai.requests.at(-1)!;
    expect(reached).toMatchObject({ method: "POST", path: "/v1/responses", body: { model: "gpt-4o", some_new_param: { x: 1 }, stream: false } });
    expect(reached.headers).toMatchObject({ "openai-organization": "org-1", "openai-project": "proj-1" });
  });

  it("streams chat natively and keeps OpenAI's request id", async () => {
    const d = deployment("gpt-4o", { api_key: "sk-test-openai-key", api_base: base });
    const result = await d.chat!.stream({ model: "x", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(result.upstreamRequestId).toMatch(/^req_/);
    let text = "";
    for await (const chunk of result.stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text.length).toBeGreaterThan(0);
  });

  it("maps OpenAI's errors to the right classes, never showing the key", async () => {
    const wrong = deployment("gpt-4o", { api_key: "sk-wrong-key-0123456789", api_base: base });
    const err = await wrong.responses!.create({ model: "x", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ provider: "openai", code: "invalid_api_key", isRetryable: false });
    expect((err as Error).message).not.toContain("sk-wrong-key-0123456789");
    const missing = deployment("gpt-9", { api_key: "sk-test-openai-key", api_base: base });
    expect(await missing.chat!.create({ model: "x", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
  });

  it("needs a key for OpenAI itself, naming the variable", () => {
    expect(() => deployment("gpt-4o", {})).toThrow("OpenAI api_key is not set. Pass api_key (config: dheera_ai_params.api_key) or set OPENAI_API_KEY.");
  });
});

describe("openai/<model> against a chat-only server (vLLM)", () => {
  let vllm: OpenAIEmulator;
  let base: string;
  beforeAll(async () => {
    vllm = createOpenAIEmulator({ chatOnly: true, apiKeys: [], models: ["deepseek-r1", "meta-llama/Llama-3.1-8B-Instruct"] });
    base = await serve(vllm);
  });

  it("finds out by itself that /responses is missing, says so once, and serves it through chat from then on", async () => {
    const warnings: string[] = [];
    const d = deployment("meta-llama/Llama-3.1-8B-Instruct", { api_base: base }, (m) => warnings.push(m));
    vllm.reset();
    const first = await d.responses!.create({ model: "x", input: "Tell me about a unicorn." });
    expect(first.body).toMatchObject({ object: "response", status: "completed" });
    const second = await d.responses!.create({ model: "x", input: "And again." });
    expect(second.body.status).toBe("completed");
    expect(vllm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/responses", "POST /v1/chat/completions", "POST /v1/chat/completions"]);
    const probes = warnings.filter((w) => w.includes("has no Responses API"));
    expect(probes).toHaveLength(1);
    expect(vllm.requests.at(-1)!.body).toMatchObject({ model: "meta-llama/Llama-3.1-8B-Instruct" });
  });

  it("with responses_via_chat: true never asks for /responses; a reasoning model's thinking becomes a reasoning item", async () => {
    const d = deployment("deepseek-r1", { api_base: base, responses_via_chat: true });
    expect(d.native).toEqual({ responses: false, chat: true });
    vllm.reset();
    const result = await d.responses!.stream({ model: "x", input: "hi" });
    const all = await events(result.stream);
    expect(vllm.requests.map((r) => r.path)).toEqual(["/v1/chat/completions"]);
    const final = (all.at(-1) as { type: string; response: { output: { type: string; summary?: { text: string }[] }[] } });
    expect(final.type).toBe("response.completed");
    expect(final.response.output[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: REASONING_TEXT }] });
    expect(final.response.output[1]).toMatchObject({ type: "message" });
  });

  it("does not take a 404 about the model for a missing route", async () => {
    const d = deployment("no-such-model", { api_base: base });
    vllm.reset();
    const err = await d.responses!.create({ model: "x", input: "hi" }).catch((e: unknown) => e);
    // The probe found no route and went to chat, where the model is unknown: that 404 stands.
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain("does not exist");
  });
});
