import { responseObjectSchema, type ChatCompletion, type ResponsesCreateRequest } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { chatCompletionToResponse } from "./chat-completion-to-response.js";

type Message = ChatCompletion["choices"][number]["message"] & Record<string, unknown>;

function completion(message: Partial<Message>, finish: ChatCompletion["choices"][number]["finish_reason"] = "stop", extra: Record<string, unknown> = {}): ChatCompletion {
  return {
    id: "chatcmpl-B9xABC",
    object: "chat.completion",
    created: 1787659600,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, ...message }, logprobs: null, finish_reason: finish }],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 2, audio_tokens: 0 },
    },
    ...extra,
  };
}

const convert = (c: ChatCompletion, request?: ResponsesCreateRequest) => chatCompletionToResponse(c, { model: "my-model", ...(request ? { request } : {}) }) as Record<string, unknown> & { output: Record<string, unknown>[] };

describe("chatCompletionToResponse", () => {
  test("text answer: resp_ id, object response, completed, one message item with an output_text part", () => {
    const r = convert(completion({ content: "Hello" }));
    expect(r).toMatchObject({ id: "resp_B9xABC", object: "response", created_at: 1787659600, status: "completed", model: "my-model", incomplete_details: null, error: null });
    expect(r.output).toEqual([
      { id: "msg_B9xABC", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], text: "Hello" }] },
    ]);
    expect(responseObjectSchema.safeParse(r).success).toBe(true);
  });

  test("tool calls become function_call items with fc_ ids, call_id, name, arguments, status completed", () => {
    const r = convert(
      completion(
        {
          content: null,
          tool_calls: [
            { id: "call_Paris1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_Rome2", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        "tool_calls",
      ),
    );
    expect(r.status).toBe("completed");
    expect(r.output).toEqual([
      { id: "fc_Paris1", type: "function_call", status: "completed", arguments: '{"city":"Paris"}', call_id: "call_Paris1", name: "get_weather" },
      { id: "fc_Rome2", type: "function_call", status: "completed", arguments: "{}", call_id: "call_Rome2", name: "get_time" },
    ]);
  });

  test("text and tool calls: the message item comes first", () => {
    const r = convert(completion({ content: "Checking.", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }, "tool_calls"));
    expect(r.output.map((i) => i.type)).toEqual(["message", "function_call"]);
  });

  test("an empty content beside tool calls adds no message item", () => {
    const r = convert(completion({ content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }, "tool_calls"));
    expect(r.output.map((i) => i.type)).toEqual(["function_call"]);
  });

  test("refusal becomes a refusal part", () => {
    const r = convert(completion({ content: null, refusal: "I can't." }));
    expect(r.output[0]!.content).toEqual([{ type: "refusal", refusal: "I can't." }]);
  });

  test("reasoning_content becomes a leading reasoning item with one summary_text", () => {
    const r = convert(completion({ content: "4", reasoning_content: "Add them." }));
    expect(r.output[0]).toEqual({ type: "reasoning", id: "rs_B9xABC", summary: [{ type: "summary_text", text: "Add them." }] });
  });

  test("Chat url_citation annotations become flat Responses annotations", () => {
    const r = convert(completion({ content: "See x", annotations: [{ type: "url_citation", url_citation: { start_index: 4, end_index: 5, url: "https://x.test", title: "X" } }] }));
    expect((r.output[0]!.content as Record<string, unknown>[])[0]!.annotations).toEqual([{ type: "url_citation", start_index: 4, end_index: 5, url: "https://x.test", title: "X" }]);
  });

  test.each([
    ["length", "incomplete", { reason: "max_output_tokens" }],
    ["content_filter", "incomplete", { reason: "content_filter" }],
    ["stop", "completed", null],
    ["tool_calls", "completed", null],
  ] as const)("finish_reason %s -> status %s, incomplete_details %j", (finish, status, details) => {
    const r = convert(completion({ content: "partial" }, finish));
    expect(r.status).toBe(status);
    expect(r.incomplete_details).toEqual(details);
    expect(r.output[0]!.status).toBe(status === "incomplete" ? "incomplete" : "completed");
  });

  test("usage maps prompt/completion to input/output with cached and reasoning tokens", () => {
    expect(convert(completion({ content: "x" })).usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 2, audio_tokens: 0 },
      total_tokens: 19,
    });
  });

  test("defaults an SDK reads are present without a request", () => {
    expect(convert(completion({ content: "x" }))).toMatchObject({
      instructions: null,
      tools: [],
      tool_choice: "auto",
      temperature: 1,
      top_p: 1,
      parallel_tool_calls: true,
      metadata: {},
      text: { format: { type: "text" }, verbosity: "medium" },
      reasoning: { effort: null, summary: null },
      truncation: "disabled",
      background: false,
      service_tier: "default",
    });
  });

  test("request fields are echoed when the request is in the context", () => {
    const request: ResponsesCreateRequest = {
      model: "m",
      instructions: "Be brief.",
      tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: true }],
      tool_choice: "required",
      temperature: 0.2,
      top_p: 0.5,
      max_output_tokens: 100,
      metadata: { a: "b" },
      text: { format: { type: "json_object" } },
      reasoning: { effort: "low" },
    };
    expect(convert(completion({ content: "{}" }), request)).toMatchObject({
      instructions: "Be brief.",
      tools: request.tools,
      tool_choice: "required",
      temperature: 0.2,
      top_p: 0.5,
      max_output_tokens: 100,
      metadata: { a: "b" },
      text: { format: { type: "json_object" } },
      reasoning: { effort: "low", summary: null },
    });
  });

  test("Azure chat filter results become content_filters entries", () => {
    const c = completion({ content: "x" }, "stop", { prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" } } }] });
    (c.choices[0] as Record<string, unknown>).content_filter_results = { violence: { filtered: true, severity: "medium" } };
    expect(convert(c).content_filters).toEqual([
      { blocked: false, source_type: "prompt", content_filter_results: { hate: { filtered: false, severity: "safe" } } },
      { blocked: true, source_type: "completion", content_filter_results: { violence: { filtered: true, severity: "medium" } } },
    ]);
  });

  test("only the first of several choices is used, with a warning", () => {
    const c = completion({ content: "a" });
    c.choices.push({ ...c.choices[0]!, index: 1, message: { role: "assistant", content: "b" } });
    const warnings: string[] = [];
    const r = chatCompletionToResponse(c, { model: "m", warn: (w) => warnings.push(w) });
    expect((r.output[0] as Record<string, unknown[]>).content).toEqual([{ type: "output_text", annotations: [], text: "a" }]);
    expect(warnings).toHaveLength(1);
  });

  test("a legacy function_call becomes a function_call item with a derived call id", () => {
    const r = convert(completion({ content: null, function_call: { name: "lookup", arguments: "{}" } }, "function_call"));
    expect(r.output).toEqual([{ id: "fc_B9xABC_0", type: "function_call", status: "completed", arguments: "{}", call_id: "call_B9xABC_0", name: "lookup" }]);
  });
});
