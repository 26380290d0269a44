import { InvalidRequestError } from "@dheera/core";
import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatResponseFormat,
  ChatTool,
  ChatToolChoice,
  InputContentPart,
  InputItem,
  ResponsesCreateRequest,
  ResponsesTool,
  ResponsesToolChoice,
  TextFormat,
  TransformContext,
} from "@dheera/core";
import { syntheticCallId } from "./ids.js";
import { chatAssistantPartToOutputPart, chatPartToInputPart } from "./map-content-parts.js";
import { isObject, isSet, type Loose, type Warn } from "./loose.js";

/**
 * Chat Completions request -> Responses request (serving chat clients from a Responses
 * upstream). Every Chat parameter is mapped, passed through under its shared name, or dropped
 * (under `drop_params`, else refused with a 400 naming it); nothing disappears silently. Unknown top-level fields pass through.
 */

const MIN_OUTPUT_TOKENS = 16;

/** Keys this file maps itself; everything else is passed through or in UNSUPPORTED. */
const MAPPED = new Set([
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "reasoning_effort",
  "reasoning",
  "response_format",
  "verbosity",
  "text",
  "tools",
  "tool_choice",
  "functions",
  "function_call",
  "logprobs",
  "include",
  // include_usage is answered by us from response.completed's usage; Responses' own
  // stream_options only knows include_obfuscation, which only pads events we re-encode anyway.
  "stream_options",
]);

/** Chat parameters with no Responses equivalent, and when a value actually asks for something. */
const UNSUPPORTED: Record<string, (value: unknown) => boolean> = {
  n: (v) => isSet(v) && v !== 1,
  stop: (v) => isSet(v) && !(Array.isArray(v) && v.length === 0),
  logit_bias: (v) => isSet(v) && !(isObject(v) && Object.keys(v).length === 0),
  frequency_penalty: (v) => isSet(v) && v !== 0,
  presence_penalty: (v) => isSet(v) && v !== 0,
  seed: isSet,
  modalities: (v) => isSet(v) && !(Array.isArray(v) && v.every((m) => m === "text")),
  audio: isSet,
  prediction: isSet,
  web_search_options: isSet,
  // A background response answers "queued" and must be polled; a Chat client cannot poll.
  background: (v) => v === true,
};

const LOGPROBS_INCLUDE = "message.output_text.logprobs";

/**
 * Chat Completions request -> Responses request: system messages become `instructions`, the
 * rest input items in order, nested tools flat ones, `response_format` becomes `text.format`,
 * `max_completion_tokens`/`max_tokens` `max_output_tokens`. What Responses cannot express (`n`,
 * `stop`, `seed`, audio, ...) is refused with 400 `unsupported_parameter`, or under
 * `context.dropParams` dropped and named; unknown fields pass through.
 */
export function chatToResponsesRequest(request: ChatCompletionRequest, context: TransformContext): ResponsesCreateRequest {
  const warn: Warn = context.warn ?? (() => {});
  const out: Loose = {};

  for (const [key, value] of Object.entries(request)) {
    if (MAPPED.has(key)) continue;
    const asksForSomething = UNSUPPORTED[key];
    if (asksForSomething) {
      if (!asksForSomething(value)) continue;
      if (!context.dropParams) {
        throw new InvalidRequestError(
          `Unsupported parameter: '${key}' is not supported for model ${context.model}, which is served through the Responses API. Remove it, or send drop_params: true to have it dropped.`,
          { param: key, code: "unsupported_parameter" },
        );
      }
      context.dropped?.(key);
      warn(`Parameter "${key}" is not supported by the Responses API and was dropped`);
      continue;
    }
    // model, stream, temperature, top_p, metadata, store, user, safety_identifier,
    // prompt_cache_key, service_tier, top_logprobs, parallel_tool_calls, previous_response_id
    // have the same name and meaning in both APIs; unknown keys are the client's business.
    out[key] = value;
  }

  const { instructions, input } = messagesToInput(request.messages, warn);
  if (instructions.length > 0) out.instructions = instructions.join("\n\n");
  out.input = input;

  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (isSet(request.max_completion_tokens) && isSet(request.max_tokens) && request.max_tokens !== request.max_completion_tokens) {
    warn(`Parameter "max_tokens" was ignored in favour of "max_completion_tokens"`);
  }
  if (isSet(maxTokens)) {
    // The Responses API rejects a budget below 16 tokens that Chat accepts; raising it keeps a
    // chat client's small limit working instead of turning it into a 400.
    if (typeof maxTokens === "number" && maxTokens < MIN_OUTPUT_TOKENS) {
      warn(`max_tokens ${maxTokens} was raised to ${MIN_OUTPUT_TOKENS}, the Responses API's minimum for max_output_tokens`);
      out.max_output_tokens = MIN_OUTPUT_TOKENS;
    } else {
      out.max_output_tokens = maxTokens;
    }
  }

  const reasoning = isObject(request.reasoning) ? { ...request.reasoning } : {};
  if (isSet(request.reasoning_effort)) reasoning.effort = request.reasoning_effort;
  if (Object.keys(reasoning).length > 0) out.reasoning = reasoning;

  const text = isObject(request.text) ? { ...request.text } : {};
  if (request.response_format !== undefined) text.format = responseFormatToTextFormat(request.response_format);
  if (isSet(request.verbosity)) text.verbosity = request.verbosity;
  if (Object.keys(text).length > 0) out.text = text;

  const tools = (request.tools ?? []).map(toolToResponses);
  let toolChoice: ResponsesToolChoice | undefined = request.tool_choice === undefined ? undefined : toolChoiceToResponses(request.tool_choice);
  if (Array.isArray(request.functions) && request.functions.length > 0) {
    warn(`Legacy parameter "functions" was converted to "tools"; the answer reports tool_calls`);
    for (const fn of request.functions as Loose[]) tools.push(toolToResponses({ type: "function", function: fn as { name: string } }));
  }
  if (isSet(request.function_call) && toolChoice === undefined) {
    warn(`Legacy parameter "function_call" was converted to "tool_choice"`);
    const fc = request.function_call;
    toolChoice = typeof fc === "string" ? (fc as ResponsesToolChoice) : { type: "function", name: String((fc as Loose).name) };
  }
  if (request.tools !== undefined || tools.length > 0) out.tools = tools;
  if (toolChoice !== undefined) out.tool_choice = toolChoice;

  // Responses has logprobs too, but behind `include` rather than a flag.
  const include = Array.isArray(request.include) ? [...(request.include as string[])] : undefined;
  if (request.logprobs === true) {
    const withLogprobs = include ?? [];
    if (!withLogprobs.includes(LOGPROBS_INCLUDE)) withLogprobs.push(LOGPROBS_INCLUDE);
    out.include = withLogprobs;
  } else if (request.include !== undefined) {
    out.include = request.include;
  }

  return out as ResponsesCreateRequest;
}

interface LegacyCall {
  name: string;
  callId: string;
}

/**
 * Messages -> instructions + input items. System messages with string content become the
 * instructions (Responses' place for them); everything else keeps its order as input items.
 */
export function messagesToInput(messages: readonly ChatMessage[], warn: Warn): { instructions: string[]; input: InputItem[] } {
  const instructions: string[] = [];
  const input: InputItem[] = [];
  // Legacy function calls carry no id; pair each `function` result with the latest open call of that name.
  const legacyCalls: LegacyCall[] = [];
  const customCallIds = new Set<string>();
  let warnedName = false;

  messages.forEach((message, index) => {
    const m = message as Loose;
    if (typeof m.name === "string" && message.role !== "function" && !warnedName) {
      warnedName = true;
      warn(`Message field "name" is not supported by the Responses API and was dropped`);
    }
    switch (message.role) {
      case "system":
        if (typeof message.content === "string") instructions.push(message.content);
        else input.push({ type: "message", role: "system", content: message.content.map(chatPartToInputPart) });
        return;
      case "developer":
      case "user":
        input.push({
          type: "message",
          role: message.role,
          content: typeof message.content === "string" ? message.content : message.content.map(chatPartToInputPart),
        });
        return;
      case "assistant":
        input.push(...assistantToItems(message, index, legacyCalls, customCallIds, warn));
        return;
      case "tool": {
        const output = toolOutput(message.content);
        const type = customCallIds.has(message.tool_call_id) ? "custom_tool_call_output" : "function_call_output";
        input.push({ type, call_id: message.tool_call_id, output } as InputItem);
        return;
      }
      case "function": {
        warn(`Legacy "function" role message was sent as a function_call_output`);
        const open = legacyCalls.findLastIndex((call) => call.name === message.name);
        const callId = open >= 0 ? legacyCalls.splice(open, 1)[0]!.callId : syntheticCallId(`fn_${message.name}`, index);
        input.push({ type: "function_call_output", call_id: callId, output: message.content ?? "" });
        return;
      }
      default: {
        // The schema admits only the roles above; keep anything else visible rather than lose it.
        const role = String(m.role);
        warn(`Message role "${role}" is unknown; the message was passed through unchanged`);
        input.push(message as unknown as InputItem);
      }
    }
  });

  return { instructions, input };
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

/**
 * An assistant turn: its text/refusal stays a message item and each tool call becomes its own
 * function_call item after it. (The Python original dropped the text of a turn with tool calls.)
 */
function assistantToItems(
  message: AssistantMessage,
  index: number,
  legacyCalls: LegacyCall[],
  customCallIds: Set<string>,
  warn: Warn,
): InputItem[] {
  const m = message as Loose;
  const parts: InputContentPart[] = [];
  if (typeof message.content === "string") {
    if (message.content !== "") parts.push({ type: "output_text", text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content as ChatContentPart[]) {
      if (part.type === "text" && (part as Loose).text === "") continue;
      parts.push(chatAssistantPartToOutputPart(part));
    }
  }
  if (typeof message.refusal === "string" && message.refusal !== "") parts.push({ type: "refusal", refusal: message.refusal });
  if (isSet(m.audio)) warn(`Assistant message field "audio" is not supported by the Responses API and was dropped`);

  const items: InputItem[] = [];
  if (parts.length > 0) items.push({ type: "message", role: "assistant", content: parts });

  for (const call of (message.tool_calls ?? []) as Loose[]) {
    const fn = call.function as Loose | undefined;
    const custom = call.custom as Loose | undefined;
    if (call.type === "custom" && custom) {
      customCallIds.add(String(call.id));
      items.push({ type: "custom_tool_call", call_id: String(call.id), name: String(custom.name), input: String(custom.input ?? "") });
    } else {
      items.push({ type: "function_call", call_id: String(call.id), name: String(fn?.name ?? ""), arguments: String(fn?.arguments ?? "") });
    }
  }

  if (isObject(m.function_call)) {
    warn(`Legacy assistant "function_call" was sent as a function_call item`);
    const name = String(m.function_call.name);
    const callId = syntheticCallId(`fn_${name}`, index);
    legacyCalls.push({ name, callId });
    items.push({ type: "function_call", call_id: callId, name, arguments: String(m.function_call.arguments ?? "") });
  }
  return items;
}

/** Tool results: a plain string when the content is text (what every backend accepts), parts otherwise. */
function toolOutput(content: string | ChatContentPart[]): string | InputContentPart[] {
  if (typeof content === "string") return content;
  if (content.every((part) => part.type === "text")) return content.map((part) => String((part as Loose).text ?? "")).join("");
  return content.map(chatPartToInputPart);
}

/** Nested Chat tool -> flat Responses tool. Built-in/unknown tool types pass through. */
export function toolToResponses(tool: ChatTool): ResponsesTool {
  const t = tool as Loose;
  if (tool.type === "function" && isObject(t.function)) {
    const fn = t.function;
    return {
      type: "function",
      name: String(fn.name),
      ...(isSet(fn.description) ? { description: fn.description as string } : {}),
      parameters: isObject(fn.parameters) ? fn.parameters : null,
      // Chat tools are non-strict unless asked; Responses defaults to strict, which would reject
      // (or silently tighten) schemas written for Chat. Say what Chat meant.
      strict: typeof fn.strict === "boolean" ? fn.strict : false,
    };
  }
  if (tool.type === "custom" && isObject(t.custom)) return { type: "custom", ...t.custom };
  return tool as ResponsesTool;
}

function toolRefToResponses(ref: unknown): unknown {
  if (!isObject(ref)) return ref;
  if (ref.type === "function" && isObject(ref.function)) return { type: "function", name: ref.function.name };
  if (ref.type === "custom" && isObject(ref.custom)) return { type: "custom", name: ref.custom.name };
  return ref;
}

/** Nested Chat tool_choice -> flat Responses tool_choice. Strings are the same in both. */
export function toolChoiceToResponses(choice: ChatToolChoice): ResponsesToolChoice {
  if (typeof choice === "string") return choice;
  const c = choice as Loose;
  if (c.type === "allowed_tools" && isObject(c.allowed_tools)) {
    const allowed = c.allowed_tools;
    return { type: "allowed_tools", mode: allowed.mode, tools: Array.isArray(allowed.tools) ? allowed.tools.map(toolRefToResponses) : [] };
  }
  return toolRefToResponses(choice) as ResponsesToolChoice;
}

/** Chat response_format -> Responses text.format (json_schema is flat there). */
export function responseFormatToTextFormat(format: ChatResponseFormat): TextFormat {
  if (format.type !== "json_schema") return { type: format.type } as TextFormat;
  const schema = (format as Loose).json_schema as Loose;
  const flat: Loose = { type: "json_schema", name: schema.name };
  if (schema.schema !== undefined) flat.schema = schema.schema;
  if (schema.strict !== undefined) flat.strict = schema.strict;
  if (schema.description !== undefined) flat.description = schema.description;
  return flat as TextFormat;
}
