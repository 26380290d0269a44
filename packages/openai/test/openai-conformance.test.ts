import { undiciTransport } from "@dheera/core";
import { describeProviderConformance, runConformanceChecks } from "@dheera/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { openaiProvider } from "../src/index.js";
import { createOpenAIEmulator } from "../src/testing/index.js";

/* The provider conformance suite, run as any provider package would run it. */

const transport = undiciTransport();
afterAll(() => transport.close());

describeProviderConformance({
  name: "openai/ against OpenAI (emulated): conformance",
  plugin: openaiProvider,
  transport,
  start: async () => {
    const server = await createOpenAIEmulator().listen();
    return { settings: { api_key: "sk-test-openai-key", api_base: `${server.url}/v1`, responses_via_chat: false }, close: server.close };
  },
  models: { responses: "openai/gpt-4o", chat: "openai/gpt-4o" },
  stored: true,
  replay: true,
  cancel: true,
});

describeProviderConformance({
  name: "openai/ against a chat-only server (vLLM, emulated): conformance",
  plugin: openaiProvider,
  transport,
  start: async () => {
    const server = await createOpenAIEmulator({ chatOnly: true, apiKeys: ["vllm-key-123456"], models: ["Qwen/Qwen3-8B"] }).listen();
    return { settings: { api_key: "vllm-key-123456", api_base: `${server.url}/v1`, responses_via_chat: true }, close: server.close };
  },
  models: { responses: "openai/Qwen/Qwen3-8B", chat: "openai/Qwen/Qwen3-8B" },
});

describe("the conformance suite itself", () => {
  it("fails a provider that drops unknown parameters and maps a 429 to a plain error", async () => {
    const broken = {
      ...openaiProvider,
      resolve(...args: Parameters<typeof openaiProvider.resolve>) {
        const d = openaiProvider.resolve(...args);
        const chat = d.chat!;
        const strip = <T extends Record<string, unknown>>(r: T) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "dheera_conformance_probe")) as T;
        return {
          ...d,
          responses: undefined,
          chat: {
            create: (r, o) =>
              chat.create(strip(r), o).catch((e: { status?: number }) => {
                throw e.status === 429 ? new Error("rate limited") : e;
              }),
            stream: (r, o) => chat.stream(strip(r), o),
          },
        } as ReturnType<typeof openaiProvider.resolve>;
      },
    };
    const failures = await runConformanceChecks({
      plugin: broken,
      transport,
      start: async () => {
        const server = await createOpenAIEmulator().listen();
        return { settings: { api_key: "sk-test-openai-key", api_base: `${server.url}/v1` }, close: server.close };
      },
      models: { chat: "openai/gpt-4o" },
    });
    expect(failures.map((f) => f.name)).toEqual([
      "unknown request parameters reach the upstream untouched, in create and stream calls",
      "maps an upstream 429 to RateLimitError (retryable: true)",
    ]);
  });
});
