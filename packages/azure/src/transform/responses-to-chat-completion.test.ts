import { DheeraError, chatCompletionSchema, type ResponseObject } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

const usage = {
  input_tokens: 45,
  input_tokens_details: { cached_tokens: 8 },
  output_tokens: 25,
  output_tokens_details: { reasoning_tokens: 10 },
  total_tokens: 70,
};

function response(fields: Partial<ResponseObject> & Record<string, unknown> = {}): ResponseObject {
  return { id: "resp_abc123", object: "response", created_at: 1787659560, status: "completed", model: "gpt-5.1-2025-11-13", output: [], usage, ...fields };
}

const message = (id: string, ...content: Record<string, unknown>[]) => ({ type: "message", id, role: "assistant", status: "completed", content });
const text = (t: string, annotations: unknown[] = []) => ({ type: "output_text", text: t, annotations });
const call = (callId: string, name: string, args: string) => ({ type: "function_call", id: `fc_${callId}`, call_id: callId, name, arguments: args, status: "completed" });

const convert = (r: ResponseObject) => responsesToChatCompletion(r, { model: "my-deployment" });
const choice = (r: ResponseObject) => convert(r).choices[0]!;

describe("responsesToChatCompletion", () => {
  test("envelope: chatcmpl id from the response id, object, created, ctx.model, one choice", () => {
    const out = convert(response({ output: [message("msg_1", text("Hi"))] as ResponseObject["output"] }));
    expect(out).toMatchObject({ id: "chatcmpl-abc123", object: "chat.completion", created: 1787659560, model: "my-deployment" });
    expect(out.choices).toHaveLength(1);
    expect(out.choices[0]!.index).toBe(0);
    expect(chatCompletionSchema.safeParse(out).success).toBe(true);
  });

  test("a float created_at (seen from Azure) becomes an integer created", () => {
    expect(convert(response({ created_at: 1741369938.0 + 0.4 })).created).toBe(1741369938);
  });

  test("all output_text parts of all message items are concatenated into content", () => {
    const c = choice(response({ output: [message("msg_1", text("Hello"), text(", ")), message("msg_2", text("world"))] as ResponseObject["output"] }));
    expect(c.message.content).toBe("Hello, world");
    expect(c.message.refusal).toBeNull();
    expect(c.finish_reason).toBe("stop");
    expect(c.logprobs).toBeNull();
  });

  test("a refusal part becomes message.refusal with null content", () => {
    const c = choice(response({ output: [message("msg_1", { type: "refusal", refusal: "I can't help with that." })] as ResponseObject["output"] }));
    expect(c.message).toMatchObject({ content: null, refusal: "I can't help with that." });
  });

  test("all function_call items become tool_calls in order, content null, finish tool_calls", () => {
    const c = choice(
      response({ output: [{ type: "reasoning", id: "rs_1", summary: [] }, call("call_A", "get_weather", '{"city":"Paris"}'), call("call_B", "get_time", "{}")] as ResponseObject["output"] }),
    );
    expect(c.message.content).toBeNull();
    expect(c.message.tool_calls).toEqual([
      { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_B", type: "function", function: { name: "get_time", arguments: "{}" } },
    ]);
    expect(c.finish_reason).toBe("tool_calls");
  });

  test("text before a function call is kept next to the tool_calls", () => {
    const c = choice(response({ output: [message("msg_1", text("Let me check.")), call("call_A", "f", "{}")] as ResponseObject["output"] }));
    expect(c.message.content).toBe("Let me check.");
    expect(c.message.tool_calls).toHaveLength(1);
    expect(c.finish_reason).toBe("tool_calls");
  });

  test("no text, no calls: content is an empty string", () => {
    expect(choice(response()).message.content).toBe("");
  });

  test("reasoning summaries become reasoning_content joined by a blank line", () => {
    const c = choice(
      response({
        output: [
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "**Plan**" }, { type: "summary_text", text: "Add them." }] },
          message("msg_1", text("4")),
        ] as ResponseObject["output"],
      }),
    );
    expect((c.message as Record<string, unknown>).reasoning_content).toBe("**Plan**\n\nAdd them.");
  });

  test("raw reasoning_text (open-weight models) is used when there is no summary", () => {
    const c = choice(response({ output: [{ type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "think" }] }] as ResponseObject["output"] }));
    expect((c.message as Record<string, unknown>).reasoning_content).toBe("think");
  });

  test("no reasoning_content key without reasoning text", () => {
    expect(choice(response({ output: [{ type: "reasoning", id: "rs_1", summary: [] }] as ResponseObject["output"] })).message).not.toHaveProperty("reasoning_content");
  });

  test("url_citation annotations become Chat's nested form, indexes shifted into the joined content", () => {
    const cite = { type: "url_citation", start_index: 0, end_index: 5, title: "T", url: "https://x.test" };
    const other = { type: "file_citation", file_id: "file-1", filename: "a.pdf", index: 2 };
    const c = choice(response({ output: [message("msg_1", text("abc"), text("World", [cite, other]))] as ResponseObject["output"] }));
    expect((c.message as Record<string, unknown>).annotations).toEqual([
      { type: "url_citation", url_citation: { start_index: 3, end_index: 8, title: "T", url: "https://x.test" } },
      other,
    ]);
  });

  test("output_text logprobs become choice.logprobs.content", () => {
    const lp = [{ token: "Hi", logprob: -0.1, bytes: [72, 105], top_logprobs: [] }];
    const c = choice(response({ output: [message("msg_1", { ...text("Hi"), logprobs: lp })] as ResponseObject["output"] }));
    expect(c.logprobs).toEqual({ content: lp, refusal: null });
  });

  test.each([
    ["completed", null, false, "stop"],
    ["completed", null, true, "tool_calls"],
    ["incomplete", "max_output_tokens", false, "length"],
    ["incomplete", "content_filter", false, "content_filter"],
    ["incomplete", "max_output_tokens", true, "length"],
    ["incomplete", "content_filter", true, "content_filter"],
  ] as const)("status %s, reason %s, tool calls %s -> finish_reason %s", (status, reason, calls, expected) => {
    const output = calls ? [call("call_A", "f", '{"a":')] : [message("msg_1", text("partial"))];
    const r = response({ status, incomplete_details: reason ? { reason } : null, output: output as ResponseObject["output"] });
    expect(choice(r).finish_reason).toBe(expected);
  });

  test("a failed response throws a DheeraError with the upstream code and message", () => {
    const r = response({ status: "failed", error: { code: "server_error", message: "The model crashed." }, usage: null });
    let caught: unknown;
    try {
      convert(r);
    } catch (error) {
      caught = error;
    }
    expect(DheeraError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ status: 500, code: "server_error", message: "The model crashed." });
  });

  test("a cancelled response throws a DheeraError too", () => {
    expect(() => convert(response({ status: "cancelled", usage: null }))).toThrow(expect.objectContaining({ status: 500, code: "response_cancelled" }));
  });

  test("usage maps input/output to prompt/completion with cached and reasoning details", () => {
    expect(convert(response()).usage).toEqual({
      prompt_tokens: 45,
      completion_tokens: 25,
      total_tokens: 70,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  test("no usage key when the response has none", () => {
    expect(convert(response({ usage: null }))).not.toHaveProperty("usage");
  });

  test("Azure content_filters: completion entries -> choice.content_filter_results, prompt entries -> prompt_filter_results", () => {
    const out = convert(
      response({
        content_filters: [
          { blocked: false, source_type: "prompt", content_filter_raw: [], content_filter_results: { hate: { filtered: false, severity: "safe" } } },
          { blocked: true, source_type: "completion", content_filter_raw: [], content_filter_results: { violence: { filtered: true, severity: "high" } } },
        ],
      }),
    ) as Record<string, unknown> & { choices: Record<string, unknown>[] };
    expect(out.choices[0]!.content_filter_results).toEqual({ violence: { filtered: true, severity: "high" } });
    expect(out.prompt_filter_results).toEqual([{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" } } }]);
  });

  test("no filter fields when the response has no content_filters (OpenAI, or null while streaming)", () => {
    const out = convert(response({ content_filters: null })) as Record<string, unknown> & { choices: Record<string, unknown>[] };
    expect(out).not.toHaveProperty("prompt_filter_results");
    expect(out.choices[0]).not.toHaveProperty("content_filter_results");
  });

  test("service_tier passes through", () => {
    expect((convert(response({ service_tier: "priority" })) as Record<string, unknown>).service_tier).toBe("priority");
  });

  test("built-in tool items (web_search_call) add nothing to the message", () => {
    const c = choice(response({ output: [{ type: "web_search_call", id: "ws_1", status: "completed" }, message("msg_1", text("Found it."))] as ResponseObject["output"] }));
    expect(c.message.content).toBe("Found it.");
    expect(c.message).not.toHaveProperty("tool_calls");
  });
});
