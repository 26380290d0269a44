// Fixed upstream payloads for the fake Azure: one Responses object, a Responses SSE stream of 20
// events (real order, sequence numbers 0..19), one chat.completion and a chat SSE stream, shaped
// like what Azure OpenAI sends (see packages/azure/src/transform/__fixtures__). Everything is
// built once, as Buffers, so the fake spends no time per request on it.

export const RESPONSE_ID = "resp_68b1c0ffee5e4a10bench0000000000000000000000";
const MSG_ID = "msg_68b1c0ffee5e4a10bench0000000000000000000001";
const CHAT_ID = "chatcmpl-BbenchC0ffee5e4a10";
const CREATED = 1787659560;
const MODEL = "gpt-5.1-2025-11-13";
const CHAT_MODEL = "gpt-4o-2024-08-06";

/** 12 text deltas: with created, in_progress, item/part added, text/part/item done and completed, 20 events. */
export const DELTAS = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", " by", " the", " river."];
const TEXT = DELTAS.join("");
const USAGE = {
  input_tokens: 45,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: DELTAS.length,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 45 + DELTAS.length,
};

function responseObject(status) {
  const done = status === "completed";
  return {
    id: RESPONSE_ID,
    object: "response",
    created_at: CREATED,
    status,
    background: false,
    completed_at: done ? CREATED + 1 : null,
    content_filters: null,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: MODEL,
    output: done ? [messageItem("completed")] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: { effort: "none", summary: null },
    safety_identifier: null,
    service_tier: done ? "default" : "auto",
    store: true,
    temperature: 1.0,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_logprobs: 0,
    top_p: 1.0,
    truncation: "disabled",
    usage: done ? USAGE : null,
    user: null,
    metadata: {},
  };
}

function messageItem(status) {
  return {
    id: MSG_ID,
    type: "message",
    status,
    content: status === "completed" ? [{ type: "output_text", annotations: [], logprobs: [], text: TEXT }] : [],
    role: "assistant",
  };
}

/** The Responses stream events, in the order Azure sends them. */
export function responsesEvents() {
  const events = [
    { type: "response.created", response: responseObject("in_progress") },
    { type: "response.in_progress", response: responseObject("in_progress") },
    { type: "response.output_item.added", item: messageItem("in_progress"), output_index: 0 },
    {
      type: "response.content_part.added",
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", annotations: [], logprobs: [], text: "" },
    },
    ...DELTAS.map((delta, i) => ({
      type: "response.output_text.delta",
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      delta,
      logprobs: [],
      obfuscation: "q8XkZ3pW".slice(0, 1 + (i % 8)),
    })),
    { type: "response.output_text.done", item_id: MSG_ID, output_index: 0, content_index: 0, text: TEXT, logprobs: [] },
    {
      type: "response.content_part.done",
      item_id: MSG_ID,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", annotations: [], logprobs: [], text: TEXT },
    },
    { type: "response.output_item.done", item: messageItem("completed"), output_index: 0 },
    { type: "response.completed", response: responseObject("completed") },
  ];
  return events.map((e, sequence_number) => ({ ...e, sequence_number }));
}

const sseEvent = (e) => Buffer.from(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
const sseData = (data) => Buffer.from(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);

const contentFilterResults = () => ({
  hate: { filtered: false, severity: "safe" },
  self_harm: { filtered: false, severity: "safe" },
  sexual: { filtered: false, severity: "safe" },
  violence: { filtered: false, severity: "safe" },
});
const promptFilterResults = () => [
  { prompt_index: 0, content_filter_results: { ...contentFilterResults(), jailbreak: { filtered: false, detected: false } } },
];
const CHAT_USAGE = {
  prompt_tokens: 12,
  completion_tokens: DELTAS.length,
  total_tokens: 12 + DELTAS.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

function chatChunk(delta, finish_reason, extra = {}) {
  return {
    id: CHAT_ID,
    object: "chat.completion.chunk",
    created: CREATED,
    model: CHAT_MODEL,
    system_fingerprint: "fp_7b2f4c1a9d",
    choices: [{ index: 0, delta, logprobs: null, finish_reason, content_filter_results: finish_reason ? {} : contentFilterResults() }],
    ...extra,
  };
}

/** Everything the fake serves, as ready-to-write Buffers. */
export function buildPayloads() {
  const events = responsesEvents();
  const chatCompletion = {
    id: CHAT_ID,
    object: "chat.completion",
    created: CREATED,
    model: CHAT_MODEL,
    system_fingerprint: "fp_7b2f4c1a9d",
    prompt_filter_results: promptFilterResults(),
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: TEXT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
        content_filter_results: contentFilterResults(),
      },
    ],
    usage: CHAT_USAGE,
  };
  const chatChunks = [
    sseData({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: promptFilterResults() }),
    sseData(chatChunk({ role: "assistant", content: "", refusal: null }, null)),
    ...DELTAS.map((d) => sseData(chatChunk({ content: d }, null))),
    sseData(chatChunk({}, "stop")),
  ];
  return {
    events,
    responseJson: Buffer.from(JSON.stringify(responseObject("completed"))),
    responsesSse: events.map(sseEvent),
    chatJson: Buffer.from(JSON.stringify(chatCompletion)),
    chatSse: chatChunks,
    chatUsageChunk: sseData({ ...chatChunk({}, null), choices: [], usage: CHAT_USAGE }),
    chatDone: sseData("[DONE]"),
  };
}
