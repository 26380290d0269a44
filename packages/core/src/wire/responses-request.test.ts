import { describe, expect, it } from "vitest";
import { z } from "zod";
import { responsesCreateRequestSchema } from "./responses-request.js";

/* Requests as openai-node and @ai-sdk/azure send them (reference 1.x and 7.8). */

const everyInputKind = {
  model: "o4-mini",
  instructions: "Answer briefly.",
  input: [
    { role: "developer", content: "Be terse." },
    { type: "message", role: "user", content: [
      { type: "input_text", text: "What is in this image and file?", prompt_cache_breakpoint: { mode: "explicit" } },
      { type: "input_image", detail: "auto", image_url: "data:image/png;base64,iVBORw0KGgo=" },
      { type: "input_file", filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
      { type: "input_audio", input_audio: { data: "UklGR", format: "wav" } },
    ] },
    { role: "assistant", content: [{ type: "output_text", text: "Let me check the weather.", annotations: [] }], phase: "commentary" },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Need weather." }], encrypted_content: "gAAAAB..." },
    { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', id: "fc_1", status: "completed" },
    { type: "function_call_output", call_id: "call_1", output: [{ type: "input_text", text: "18°C" }] },
    { type: "item_reference", id: "msg_earlier" },
    { id: "msg_bare_reference" },
    { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "paris" } },
  ],
  tools: [
    { type: "function", name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }, strict: true, defer_loading: false },
    { type: "web_search", search_context_size: "low", user_location: { type: "approximate", country: "FR" } },
    { type: "mcp", server_label: "deepwiki", server_url: "https://mcp.deepwiki.com/mcp", require_approval: "never" },
  ],
  tool_choice: { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "get_weather" }] },
  parallel_tool_calls: true,
  text: { format: { type: "json_schema", name: "answer", schema: { type: "object", properties: { a: { type: "string" } } }, strict: true }, verbosity: "low" },
  reasoning: { effort: "high", summary: "auto", context: "current_turn" },
  max_output_tokens: 2048,
  include: ["reasoning.encrypted_content", "message.output_text.logprobs"],
  store: false,
  stream: true,
  stream_options: { include_obfuscation: false },
  metadata: { tenant: "acme" },
  // Parameters this schema does not model: they must pass through untouched.
  safety_identifier: "u_9f2c",
  prompt_cache_key: "tenant-acme",
  service_tier: "flex",
  background: false,
  truncation: "auto",
  context_management: [{ type: "compaction", compact_threshold: 100000 }],
  top_logprobs: 3,
};

const aiSdkAzureBody = {
  model: "dep1",
  input: [{ role: "system", content: "You are helpful." }, { role: "user", content: [{ type: "input_text", text: "hi" }] }],
  temperature: 0.2,
  max_output_tokens: 50,
  tools: [{ type: "function", name: "lookup", description: "Look up", parameters: { type: "object", properties: {} } }],
  tool_choice: "auto",
  stream: true,
};

describe("responsesCreateRequestSchema", () => {
  it.each([
    ["every kind of input item, tool and option", everyInputKind],
    ["the body @ai-sdk/azure 3 sends", aiSdkAzureBody],
    ["a plain string input", { model: "gpt-4o", input: "Tell me a joke." }],
    ["a stored prompt with no input", { model: "gpt-4o", prompt: { id: "pmpt_1", version: "2", variables: { city: "Paris" } } }],
  ])("accepts %s and keeps every field", (_label, body) => {
    expect(responsesCreateRequestSchema.parse(body)).toStrictEqual(body);
  });

  it("rejects a missing model, naming the path", () => {
    const result = responsesCreateRequestSchema.safeParse({ input: "hi" });
    expect(result.error).toBeInstanceOf(z.ZodError);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(["model"]);
  });

  it("rejects an input message with an unknown role, naming input", () => {
    const result = responsesCreateRequestSchema.safeParse({ model: "m", input: [{ role: "robot", content: "hi" }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe("input");
  });

  it("rejects a non-integer max_output_tokens", () => {
    const result = responsesCreateRequestSchema.safeParse({ model: "m", max_output_tokens: 1.5 });
    expect(result.error?.issues[0]?.path).toEqual(["max_output_tokens"]);
  });
});
