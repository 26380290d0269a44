import { expect } from "vitest";
import { expectResponseEvents, expectUpstream, jsonBody, jsonLines } from "../../../../src/checks.js";
import { defineExpectations, type Check } from "../../../../src/expectation.js";

const RESOURCE = "dheera_ai8397336933.openai.azure.com";
const DATED = { "api-version": "2025-03-01-preview" };
const PREVIEW = { "api-version": "preview" };

/** The story is printed, and Azure got one request on the route this api_version selects. */
function story(path: string, query: Record<string, string>, body: Record<string, unknown>): Check {
  return (result) => {
    expect(result.stdout).toMatch(/unicorn/i);
    expectUpstream(result, [{ method: "POST", path, host: RESOURCE, query, body, status: 200 }]);
  };
}

/** The events arrive in order, end with response.completed, and stream the story. */
function streamedStory(path: string, query: Record<string, string>, body: Record<string, unknown>): Check {
  return (result) => {
    expect(expectResponseEvents(result.stdout)).toMatch(/unicorn/i);
    expectUpstream(result, [{ method: "POST", path, host: RESOURCE, query, body: { ...body, stream: true }, status: 200 }]);
  };
}

const STORY_INPUT = "Tell me a three sentence bedtime story about a unicorn.";

export default defineExpectations({
  "Create a model response > Dheera AI SDK > Non-streaming": {
    kind: "script",
    check: story("/openai/responses", DATED, { model: "o1-pro", input: STORY_INPUT, max_output_tokens: 100 }),
  },
  "Create a model response > Dheera AI SDK > Streaming": {
    kind: "script",
    check: streamedStory("/openai/responses", DATED, { model: "o1-pro", input: STORY_INPUT }),
  },
  "Create a model response > OpenAI SDK with Dheera AI Proxy (2)": { kind: "proxy-config" },
  "Create a model response > OpenAI SDK with Dheera AI Proxy (3)": { kind: "proxy-start" },
  "Create a model response > OpenAI SDK with Dheera AI Proxy > Non-streaming": {
    kind: "script",
    check: story("/openai/responses", DATED, { model: "o1-pro", input: STORY_INPUT }),
  },
  "Create a model response > OpenAI SDK with Dheera AI Proxy > Streaming": {
    kind: "script",
    check: streamedStory("/openai/responses", DATED, { model: "o1-pro", input: STORY_INPUT }),
  },

  "Azure Codex Models > Dheera AI SDK > Non-streaming": {
    kind: "script",
    check: story("/openai/v1/responses", PREVIEW, { model: "codex-mini", input: STORY_INPUT, max_output_tokens: 100 }),
  },
  "Azure Codex Models > Dheera AI SDK > Streaming": {
    kind: "script",
    check: streamedStory("/openai/v1/responses", PREVIEW, { model: "codex-mini", input: STORY_INPUT }),
  },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy": { kind: "proxy-config" },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy (2)": { kind: "proxy-start" },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy > Non-streaming": {
    kind: "script",
    check: story("/openai/v1/responses", PREVIEW, { model: "codex-mini", input: STORY_INPUT }),
  },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy > Streaming": {
    kind: "script",
    check: streamedStory("/openai/v1/responses", PREVIEW, { model: "codex-mini", input: STORY_INPUT }),
  },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy > Conversations": {
    kind: "script",
    check(result) {
      expect(result.stdout.trim().split("\n").at(-1)).toBe("4");
      // Created on Azure's v1 API, then two responses on it, naming Azure's own conversation id.
      const conversationId = (result.upstream[1]?.body as { conversation?: string } | undefined)?.conversation;
      expect(conversationId).toMatch(/^conv_[0-9a-f]{48}$/);
      expect(result.upstream.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /openai/v1/conversations",
        "POST /openai/v1/responses",
        "POST /openai/v1/responses",
        `GET /openai/v1/conversations/${conversationId}/items`,
      ]);
      expect(result.upstream[2]!.body).toMatchObject({ conversation: conversationId, input: "Give it a title." });
    },
  },
  "Azure Codex Models > OpenAI SDK with Dheera AI Proxy > Background responses": {
    kind: "script",
    check(result) {
      const [status, story] = result.stdout.trim().split("\n");
      expect(status).toBe("queued");
      expect(story).toMatch(/unicorn/i);
      expect(result.upstream.map((r) => `${r.method} ${r.path} ${r.query.stream ?? ""}`.trim())).toEqual([
        "POST /openai/v1/responses",
        expect.stringMatching(/^GET \/openai\/v1\/responses\/resp_[0-9a-f]+ true$/),
      ]);
      expect(result.upstream[0]!.body).toMatchObject({ model: "codex-mini", background: true });
    },
  },

  "Calling via /chat/completions > Dheera AI SDK": {
    kind: "script",
    check(result) {
      const [completion] = jsonLines(result.stdout);
      expect(completion).toMatchObject({ object: "chat.completion", choices: [{ message: { role: "assistant" }, finish_reason: "stop" }] });
      expect((completion!.choices as { message: { content: string } }[])[0]!.message.content).toMatch(/Hello world/);
      // Served through the Responses API of the resource set in the environment.
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", host: "my-endpoint-sweden-berri992.openai.azure.com", query: DATED, body: { model: "my-custom-o1-pro" }, status: 200 },
      ]);
    },
  },
  "Calling via /chat/completions > OpenAI SDK with Dheera AI Proxy": { kind: "proxy-config" },
  "Calling via /chat/completions > OpenAI SDK with Dheera AI Proxy (2)": { kind: "proxy-start" },
  "Calling via /chat/completions > OpenAI SDK with Dheera AI Proxy (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      const completion = jsonBody(result.stdout);
      expect(completion).toMatchObject({ object: "chat.completion", model: "my-custom-o1-pro", choices: [{ message: { role: "assistant" }, finish_reason: "stop" }] });
      expect((completion.choices as { message: { content: string } }[])[0]!.message.content).toMatch(/Hello world/);
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", host: "my-endpoint-sweden-berri992.openai.azure.com", query: DATED, body: { model: "my-custom-o1-pro" }, status: 200 },
      ]);
    },
  },
});
