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
import { inputPartToChatPart } from "./map-content-parts.js";
import { isObject, isSet, type Loose, type Warn } from "./loose.js";

/**
 * Responses request -> Chat Completions request (serving Responses clients from a chat-only
 * upstream). What Chat cannot express (server-side state, built-in tools, reasoning replay)
 * is dropped with a warning naming it; unknown top-level fields pass through.
 */

const MAPPED = new Set([
  "input",
  "instructions",
  "max_output_tokens",
  "reasoning",
  "text",
  "tools",
  "tool_choice",
  "include",
  "stream_options",
]);

/** Responses parameters a chat upstream cannot honour, and when a value actually asks for something. */
const UNSUPPORTED: Record<string, (value: unknown) => boolean> = {
  // Server-side state: resolving it needs a store, which a transform does not have.
  previous_response_id: isSet,
  conversation: isSet,
  prompt: isSet,
  background: (v) => v === true,
  truncation: (v) => isSet(v) && v !== "disabled",
  max_tool_calls: isSet,
  context_management: isSet,
};

const LOGPROBS_INCLUDE = "message.output_text.logprobs";

/**
 * Responses request -> Chat Completions request: instructions and input become messages, flat
 * tools and tool_choice become nested ones, `text.format` becomes `response_format`,
 * `max_output_tokens` becomes `max_completion_tokens`, and a streamed request asks for
 * `include_usage`. What needs server-side state or a hosted tool is dropped with a warning
 * through `context.warn`; unknown top-level fields pass through.
 */
export function responsesToChatRequest(request: ResponsesCreateRequest, context: TransformContext): ChatCompletionRequest {
  const warn: Warn = context.warn ?? (() => {});
  const out: Loose = {};

  for (const [key, value] of Object.entries(request)) {
    if (MAPPED.has(key)) continue;
    const asksForSomething = UNSUPPORTED[key];
    if (asksForSomething) {
      if (asksForSomething(value)) warn(`Parameter "${key}" cannot be served by a Chat Completions upstream and was dropped`);
      continue;
    }
    // model, stream, temperature, top_p, parallel_tool_calls, metadata, store, user,
    // safety_identifier, prompt_cache_key, service_tier, top_logprobs share names with Chat.
    out[key] = value;
  }

  const messages: ChatMessage[] = [];
  if (typeof request.instructions === "string" && request.instructions !== "") messages.push({ role: "system", content: request.instructions });
  if (typeof request.input === "string") messages.push({ role: "user", content: request.input });
  else if (Array.isArray(request.input)) messages.push(...inputToMessages(request.input, warn));
  out.messages = messages;

  if (isSet(request.max_output_tokens)) out.max_completion_tokens = request.max_output_tokens;

  const reasoning = request.reasoning;
  if (isObject(reasoning)) {
    if (isSet(reasoning.effort)) out.reasoning_effort = reasoning.effort;
    if (isSet(reasoning.summary) || isSet(reasoning.generate_summary)) warn(`Parameter "reasoning.summary" has no Chat Completions equivalent and was dropped`);
  }

  const text = request.text;
  if (isObject(text)) {
    if (text.format !== undefined) out.response_format = textFormatToResponseFormat(text.format as TextFormat);
    if (isSet(text.verbosity)) out.verbosity = text.verbosity;
  }

  if (request.tools !== undefined) {
    const tools: ChatTool[] = [];
    for (const tool of request.tools) {
      const chatTool = toolToChat(tool);
      if (chatTool) tools.push(chatTool);
      else warn(`Tool type "${tool.type}" cannot run on a Chat Completions upstream and was dropped`);
    }
    out.tools = tools;
  }
  if (request.tool_choice !== undefined) {
    const choice = toolChoiceToChat(request.tool_choice);
    if (choice !== undefined) out.tool_choice = choice;
    else warn(`tool_choice type "${(request.tool_choice as Loose).type}" cannot be served by a Chat Completions upstream and was dropped`);
  }

  if (Array.isArray(request.include)) {
    for (const entry of request.include) {
      if (entry === LOGPROBS_INCLUDE) out.logprobs = true;
      else warn(`include "${entry}" cannot be served by a Chat Completions upstream and was dropped`);
    }
  }

  // Usage is only in the last chunk when asked for; the terminal Responses event needs it.
  if (request.stream === true) out.stream_options = { ...(isObject(request.stream_options) ? request.stream_options : {}), include_usage: true };

  return out as ChatCompletionRequest;
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

const itemType = (item: Loose): string => (typeof item.type === "string" ? item.type : typeof item.role === "string" ? "message" : "item_reference");

/**
 * Input items -> messages. Consecutive function_call items (and the assistant message right
 * before them) become ONE assistant message, the shape Chat upstreams expect for parallel calls.
 */
export function inputToMessages(items: readonly InputItem[], warn: Warn): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // The assistant message tool calls may still be added to; any other item closes it.
  let open: AssistantMessage | undefined;

  for (const raw of items) {
    const item = raw as Loose;
    const type = itemType(item);
    if (type === "function_call") {
      if (!open) {
        open = { role: "assistant", content: null };
        messages.push(open);
      }
      (open.tool_calls ??= []).push({
        id: String(item.call_id),
        type: "function",
        function: { name: String(item.name), arguments: String(item.arguments ?? "") },
      });
      continue;
    }
    if (type === "reasoning") {
      // Dropping it does not close the assistant turn: [message, reasoning, function_call] is one turn.
      warn(`Input item type "reasoning" has no Chat Completions equivalent and was dropped`);
      continue;
    }
    open = undefined;

    switch (type) {
      case "message": {
        const message = messageToChat(item, warn);
        messages.push(message);
        if (message.role === "assistant") open = message;
        break;
      }
      case "function_call_output":
        messages.push({ role: "tool", tool_call_id: String(item.call_id), content: toolOutputToChat(item.output, warn) });
        break;
      case "item_reference":
        warn(`Input item_reference "${String(item.id)}" cannot be resolved without a response store and was dropped`);
        break;
      default:
        warn(`Input item type "${type}" has no Chat Completions equivalent and was dropped`);
    }
  }
  return messages;
}

function messageToChat(item: Loose, warn: Warn): ChatMessage {
  const role = item.role as "user" | "assistant" | "system" | "developer";
  const content = item.content as string | InputContentPart[];

  if (role === "assistant") {
    if (typeof content === "string") return { role, content };
    const texts: string[] = [];
    const refusals: string[] = [];
    for (const part of content) {
      const p = part as Loose;
      if ((part.type === "output_text" || part.type === "input_text") && typeof p.text === "string") texts.push(p.text);
      else if (part.type === "refusal" && typeof p.refusal === "string") refusals.push(p.refusal);
      else warn(`Assistant content part "${part.type}" has no Chat Completions equivalent and was dropped`);
    }
    const message: AssistantMessage = { role, content: texts.length > 0 ? texts.join("") : null };
    if (refusals.length > 0) message.refusal = refusals.join("");
    return message;
  }

  if (typeof content === "string") return { role, content };
  const parts = content.map((part) => inputPartToChatPart(part, warn)).filter((part): part is ChatContentPart => part !== null);
  return { role, content: parts };
}

/** Tool results: Chat wants a string or text parts; other parts are kept and the upstream decides. */
function toolOutputToChat(output: unknown, warn: Warn): string | ChatContentPart[] {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) return JSON.stringify(output ?? "");
  const parts = (output as InputContentPart[]).map((part) => inputPartToChatPart(part, warn)).filter((part): part is ChatContentPart => part !== null);
  if (parts.every((part) => part.type === "text")) return parts.map((part) => String((part as Loose).text)).join("");
  return parts;
}

/** Flat Responses tool -> nested Chat tool, or null for built-in tools a chat upstream cannot run. */
export function toolToChat(tool: ResponsesTool): ChatTool | null {
  const t = tool as Loose;
  if (tool.type === "function") {
    const fn: Loose = { name: t.name };
    if (isSet(t.description)) fn.description = t.description;
    if (isObject(t.parameters)) fn.parameters = t.parameters;
    if (typeof t.strict === "boolean") fn.strict = t.strict;
    return { type: "function", function: fn as { name: string } };
  }
  if (tool.type === "custom") {
    const { type, ...custom } = t;
    return { type, custom } as ChatTool;
  }
  return null;
}

function toolRefToChat(ref: unknown): unknown {
  if (!isObject(ref)) return ref;
  if (ref.type === "function") return { type: "function", function: { name: ref.name } };
  if (ref.type === "custom") return { type: "custom", custom: { name: ref.name } };
  return ref;
}

/** Flat Responses tool_choice -> nested Chat tool_choice; undefined for hosted-tool forcing. */
export function toolChoiceToChat(choice: ResponsesToolChoice): ChatToolChoice | undefined {
  if (typeof choice === "string") return choice;
  const c = choice as Loose;
  if (c.type === "function" || c.type === "custom") return toolRefToChat(c) as ChatToolChoice;
  if (c.type === "allowed_tools") {
    return { type: "allowed_tools", allowed_tools: { mode: c.mode, tools: Array.isArray(c.tools) ? c.tools.map(toolRefToChat) : [] } };
  }
  return undefined;
}

/** Responses text.format -> Chat response_format (json_schema nests there). */
export function textFormatToResponseFormat(format: TextFormat): ChatResponseFormat {
  if (format.type !== "json_schema") return { type: format.type } as ChatResponseFormat;
  const f = format as Loose;
  const schema: Loose = { name: f.name };
  if (f.schema !== undefined) schema.schema = f.schema;
  if (f.strict !== undefined) schema.strict = f.strict;
  if (isSet(f.description)) schema.description = f.description;
  return { type: "json_schema", json_schema: schema as { name: string } };
}
