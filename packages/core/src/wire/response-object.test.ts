import { describe, expect, it } from "vitest";
import { deletedResponseSchema, inputItemListSchema, responseObjectSchema } from "./response-object.js";

/* The Response object of reference 2, with the newer fields and Azure's content_filters. */

const completed = {
  id: "resp_0775a1",
  object: "response",
  created_at: 1787659560,
  status: "completed",
  completed_at: 1787659561,
  background: false,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  max_tool_calls: null,
  model: "gpt-5.1-2025-11-13",
  output: [
    { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "Thinking." }], encrypted_content: null },
    { id: "msg_1", type: "message", status: "completed", role: "assistant", phase: "final_answer", content: [
      { type: "output_text", text: "See the docs.", annotations: [{ type: "url_citation", start_index: 4, end_index: 12, title: "Docs", url: "https://example.com" }], logprobs: [{ token: "See", bytes: [83, 101, 101], logprob: -0.1, top_logprobs: [] }] },
      { type: "refusal", refusal: "I can't share that part." },
    ] },
    { id: "fc_1", type: "function_call", status: "completed", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
    { id: "ws_1", type: "web_search_call", status: "completed", action: { type: "search", query: "paris weather" } },
  ],
  parallel_tool_calls: true,
  previous_response_id: null,
  prompt_cache_key: null,
  prompt_cache_retention: null,
  reasoning: { effort: "none", summary: null },
  safety_identifier: null,
  service_tier: "default",
  store: true,
  temperature: 1,
  top_p: 1,
  top_logprobs: 0,
  text: { format: { type: "text" }, verbosity: "medium" },
  tool_choice: "auto",
  tools: [{ type: "function", name: "get_weather", description: null, parameters: null, strict: true, output_schema: null }],
  truncation: "disabled",
  usage: { input_tokens: 45, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 25, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 70 },
  user: null,
  metadata: {},
  frequency_penalty: 0,
  presence_penalty: 0,
  tool_usage: { web_search: { num_requests: 1 } },
  content_filters: [{ blocked: false, source_type: "completion", content_filter_raw: [], content_filter_results: { hate: { filtered: false, severity: "safe" } }, content_filter_offsets: { start_offset: 0, end_offset: 40, check_offset: 0 } }],
};

describe("responseObjectSchema", () => {
  it("accepts a completed response and keeps every field, Azure's content_filters included", () => {
    expect(responseObjectSchema.parse(completed)).toStrictEqual(completed);
  });

  it("accepts a failed and an incomplete response", () => {
    const failed = { ...completed, status: "failed", output: [], usage: null, error: { code: "insufficient_quota", message: "You exceeded your current quota." } };
    expect(responseObjectSchema.parse(failed)).toStrictEqual(failed);
    const incomplete = { ...completed, status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    expect(responseObjectSchema.parse(incomplete)).toStrictEqual(incomplete);
  });

  it("accepts Azure's float created_at", () => {
    expect(responseObjectSchema.parse({ ...completed, created_at: 1741369938.0 }).created_at).toBe(1741369938);
  });

  it("rejects a body that is not a response (no output array)", () => {
    const { output: _output, ...noOutput } = completed;
    expect(responseObjectSchema.safeParse(noOutput).error?.issues[0]?.path).toEqual(["output"]);
    expect(responseObjectSchema.safeParse({ ...completed, object: "chat.completion" }).success).toBe(false);
  });
});

describe("deletedResponseSchema", () => {
  it.each([["response"], ["response.deleted"]])("accepts object %j", (object) => {
    const body = { id: "resp_1", object, deleted: true };
    expect(deletedResponseSchema.parse(body)).toStrictEqual(body);
  });
});

describe("inputItemListSchema", () => {
  it("accepts a page of input items and keeps every field", () => {
    const page = {
      object: "list",
      data: [
        { id: "msg_1", type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: "hi" }, { type: "input_image", detail: "auto", image_url: "https://example.com/a.png", file_id: null }] },
        { id: "fc_1", type: "function_call", call_id: "call_1", name: "f", arguments: "{}", status: "completed" },
        { id: "fco_1", type: "function_call_output", call_id: "call_1", output: "42" },
      ],
      first_id: "msg_1",
      last_id: "fco_1",
      has_more: false,
    };
    expect(inputItemListSchema.parse(page)).toStrictEqual(page);
  });
});
