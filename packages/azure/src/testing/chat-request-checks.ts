import type { ToolChoiceView } from "./emulated-turn.js";
import { azureErrorBody, EmulatorHttpError, invalidRequest, invalidType, invalidValue, missingParameter, unsupportedParameter } from "./emulator-errors.js";
import { isOlderThan } from "./emulator-api-version.js";
import type { ResolvedDeployment } from "./emulator-deployments.js";
import {
  checkMetadata,
  checkStreamOptions,
  isJsonObject,
  optional,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  type JsonObject,
} from "./request-checks.js";

/**
 * Checks of `POST …/chat/completions`: message roles and part types, tool-call/tool-message
 * pairing, nested tool shapes, the reasoning-model parameter rules and Azure's api-version gates.
 */

const ROLES = ["system", "assistant", "user", "function", "tool", "developer"];
const USER_PARTS = ["text", "image_url", "input_audio", "refusal", "audio", "file"];

export interface CheckedChatRequest {
  stream: boolean;
  includeUsage: boolean;
  n: number;
  maxTokens: number | undefined;
  lastUserText: string;
  texts: string[];
  hasToolOutput: boolean;
  functionTools: Array<{ name: string; parameters: unknown }>;
  toolChoice: ToolChoiceView;
  parallelToolCalls: boolean;
}

export function checkChatRequest(body: JsonObject, deployment: ResolvedDeployment, apiVersion: string): CheckedChatRequest {
  // Azure gates features by dated api-version; it names unknown arguments like this.
  const unrecognized = (name: string) =>
    new EmulatorHttpError(400, { error: { message: `Unrecognized request argument supplied: ${name}`, type: "invalid_request_error", param: null, code: null } });
  if (deployment.reasoning && isOlderThan(apiVersion, "2024-12-01-preview")) {
    // Azure's literal text, placeholder included.
    throw new EmulatorHttpError(400, azureErrorBody("BadRequest", "Model {modelName} is enabled only for api versions 2024-12-01-preview and later"));
  }
  if (isOlderThan(apiVersion, "2024-09-01-preview")) {
    for (const name of ["max_completion_tokens", "stream_options"]) if (body[name] !== undefined) throw unrecognized(name);
  }

  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = checkStreamOptions(body, stream);
  const n = optionalNumber(body, "n", { integer: true, min: 1, max: 128 }) ?? 1;
  const maxTokens = optionalNumber(body, "max_tokens", { integer: true, min: 1 });
  const maxCompletionTokens = optionalNumber(body, "max_completion_tokens", { integer: true, min: 1 });
  const temperature = optionalNumber(body, "temperature", { min: 0, max: 2 });
  const topP = optionalNumber(body, "top_p", { min: 0, max: 1 });
  optionalString(body, "user");
  optionalString(body, "reasoning_effort");
  optionalBoolean(body, "store");
  checkMetadata(body);
  if (deployment.reasoning) {
    if (maxTokens !== undefined) throw unsupportedParameter("max_tokens", "Use 'max_completion_tokens' instead.");
    if (temperature !== undefined && temperature !== 1) {
      throw invalidRequest(
        `Unsupported value: 'temperature' does not support ${temperature} with this model. Only the default (1) value is supported.`,
        "temperature",
        "unsupported_value",
      );
    }
    if (topP !== undefined && topP !== 1) {
      throw invalidRequest(`Unsupported value: 'top_p' does not support ${topP} with this model. Only the default (1) value is supported.`, "top_p", "unsupported_value");
    }
  } else if (optional(body, "reasoning_effort") !== undefined) {
    throw unsupportedParameter("reasoning_effort");
  }

  const messages = checkMessages(body);
  const functionTools = checkTools(body);
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (!hasTools && optional(body, "tool_choice") !== undefined) {
    throw invalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice");
  }
  if (!hasTools && optional(body, "parallel_tool_calls") !== undefined) {
    throw invalidRequest("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", "parallel_tool_calls");
  }
  const toolChoice = checkToolChoice(body, functionTools);
  const parallelToolCalls = optionalBoolean(body, "parallel_tool_calls") ?? true;
  checkResponseFormat(body);

  return {
    stream,
    includeUsage: streamOptions?.include_usage === true,
    n,
    maxTokens: maxCompletionTokens ?? maxTokens,
    ...messages,
    functionTools,
    toolChoice,
    parallelToolCalls,
  };
}

function checkMessages(body: JsonObject): { lastUserText: string; texts: string[]; hasToolOutput: boolean } {
  const messages = body.messages;
  if (messages === undefined || messages === null) throw missingParameter("messages");
  if (!Array.isArray(messages)) throw invalidType("messages", "an array", messages);
  if (messages.length === 0) {
    throw invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
  }
  const texts: string[] = [];
  let lastUserText = "";
  let hasToolOutput = false;
  // Tool calls still waiting for their tool messages.
  let open: { index: number; ids: Set<string> } | undefined;

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    if (!isJsonObject(message)) throw invalidType(param, "an object", message);
    const role = message.role;
    if (role === undefined || role === null) throw missingParameter(`${param}.role`);
    if (typeof role !== "string" || !ROLES.includes(role)) throw invalidValue(`${param}.role`, role, ROLES);
    if (open && role !== "tool") throw unansweredToolCalls(open.index, open.ids);

    const content = message.content;
    const contentOptional = role === "assistant";
    if ((content === undefined || content === null) && !contentOptional) throw missingParameter(`${param}.content`);
    const partTexts = checkContent(content, param, role);
    texts.push(...partTexts);
    if (role === "user") lastUserText = partTexts.join(" ");

    if (role === "assistant" && message.tool_calls !== undefined && message.tool_calls !== null) {
      const calls = optionalArray(message, "tool_calls", `${param}.tool_calls`) ?? [];
      const ids = new Set<string>();
      calls.forEach((call, k) => {
        const callParam = `${param}.tool_calls[${k}]`;
        if (!isJsonObject(call)) throw invalidType(callParam, "an object", call);
        if (typeof call.id !== "string") throw missingParameter(`${callParam}.id`);
        if (call.type !== "function") throw missingParameter(`${callParam}.type`);
        if (!isJsonObject(call.function)) throw missingParameter(`${callParam}.function`);
        if (typeof call.function.name !== "string") throw missingParameter(`${callParam}.function.name`);
        if (typeof call.function.arguments !== "string") throw missingParameter(`${callParam}.function.arguments`);
        texts.push(call.function.arguments);
        ids.add(call.id);
      });
      if (ids.size > 0) open = { index: i, ids };
    }
    if (role === "tool") {
      if (typeof message.tool_call_id !== "string") throw missingParameter(`${param}.tool_call_id`);
      if (!open || !open.ids.has(message.tool_call_id)) {
        throw invalidRequest("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`);
      }
      open.ids.delete(message.tool_call_id);
      if (open.ids.size === 0) open = undefined;
      hasToolOutput = true;
    }
  });
  if (open) throw unansweredToolCalls(open.index, open.ids);
  return { lastUserText, texts, hasToolOutput };
}

function unansweredToolCalls(index: number, ids: Set<string>): EmulatorHttpError {
  return invalidRequest(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(", ")}`,
    `messages.[${index}].role`,
  );
}

function checkContent(content: unknown, param: string, role: string): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) throw invalidType(`${param}.content`, "a string or an array", content);
  const allowed = role === "user" ? USER_PARTS : role === "assistant" ? ["text", "refusal"] : ["text"];
  const texts: string[] = [];
  content.forEach((part, j) => {
    const partParam = `${param}.content[${j}]`;
    if (!isJsonObject(part)) throw invalidType(partParam, "an object", part);
    const type = part.type;
    if (typeof type !== "string") throw missingParameter(`${partParam}.type`);
    // Responses part types (`input_text`, `input_image`) sent to chat are a classic bridging bug.
    if (!allowed.includes(type)) throw invalidValue(`${partParam}.type`, type, allowed);
    if (type === "text") {
      if (typeof part.text !== "string") throw missingParameter(`${partParam}.text`);
      texts.push(part.text);
    }
    if (type === "refusal" && typeof part.refusal === "string") texts.push(part.refusal);
    if (type === "image_url") {
      if (!isJsonObject(part.image_url)) throw invalidType(`${partParam}.image_url`, "an object", part.image_url);
      if (typeof part.image_url.url !== "string") throw missingParameter(`${partParam}.image_url.url`);
    }
  });
  return texts;
}

function checkTools(body: JsonObject): Array<{ name: string; parameters: unknown }> {
  const tools = optionalArray(body, "tools") ?? [];
  const out: Array<{ name: string; parameters: unknown }> = [];
  tools.forEach((tool, i) => {
    const param = `tools[${i}]`;
    if (!isJsonObject(tool)) throw invalidType(param, "an object", tool);
    if (tool.type !== "function" && tool.type !== "custom") throw invalidValue(`${param}.type`, tool.type, ["function", "custom"]);
    if (tool.type !== "function") return;
    // The flat Responses tool shape has no `function` object.
    const fn = optionalObject(tool, "function", `${param}.function`);
    if (!fn) throw missingParameter(`${param}.function`);
    if (typeof fn.name !== "string") throw missingParameter(`${param}.function.name`);
    out.push({ name: fn.name, parameters: fn.parameters });
  });
  return out;
}

function checkToolChoice(body: JsonObject, tools: Array<{ name: string }>): ToolChoiceView {
  const choice = optional(body, "tool_choice");
  if (choice === undefined) return "auto";
  if (typeof choice === "string") {
    if (choice === "auto" || choice === "none" || choice === "required") return choice;
    throw invalidValue("tool_choice", choice, ["none", "auto", "required"]);
  }
  if (!isJsonObject(choice)) throw invalidType("tool_choice", "an object", choice);
  if (choice.type !== "function") return "auto";
  // The flat Responses `{type, name}` has no `function` object.
  if (!isJsonObject(choice.function)) throw missingParameter("tool_choice.function");
  const name = choice.function.name;
  if (typeof name !== "string") throw missingParameter("tool_choice.function.name");
  if (!tools.some((t) => t.name === name)) {
    throw invalidRequest(`Invalid value for 'tool_choice': function '${name}' was not found in 'tools'.`, "tool_choice");
  }
  return { name };
}

function checkResponseFormat(body: JsonObject): void {
  const format = optionalObject(body, "response_format");
  if (!format) return;
  const type = format.type;
  if (type !== "text" && type !== "json_object" && type !== "json_schema") {
    throw invalidValue("response_format.type", type, ["text", "json_object", "json_schema"]);
  }
  // Responses' flat `{type, name, schema}` has no nested `json_schema` object.
  if (type === "json_schema") {
    const schema = optionalObject(format, "json_schema", "response_format.json_schema");
    if (!schema) throw missingParameter("response_format.json_schema");
    if (typeof schema.name !== "string") throw missingParameter("response_format.json_schema.name");
  }
}
