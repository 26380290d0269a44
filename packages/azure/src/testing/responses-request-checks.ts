import { invalidRequest, invalidType, invalidValue, missingParameter, unsupportedParameter } from "./emulator-errors.js";
import type { ToolChoiceView } from "./emulated-turn.js";
import {
  checkMetadata,
  checkStreamOptions,
  isJsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  type JsonObject,
} from "./request-checks.js";

/**
 * Top-level checks of `POST /responses` (everything but `model` and `input`). Unknown
 * parameters are let through, as the brief of the emulator asks; the known ones are checked
 * for type, range and the flat Responses shapes (tools, tool_choice, text.format), which is
 * where a Chat->Responses bridge usually goes wrong.
 */

const INCLUDABLE = [
  "code_interpreter_call.outputs",
  "computer_call_output.output.image_url",
  "file_search_call.results",
  "message.input_image.image_url",
  "message.output_text.logprobs",
  "reasoning.encrypted_content",
  "web_search_call.action.sources",
  "web_search_call.results",
];

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface CheckedResponsesParams {
  stream: boolean;
  store: boolean;
  background: boolean;
  includeObfuscation: boolean;
  includeEncryptedReasoning: boolean;
  previousResponseId: string | undefined;
  maxOutputTokens: number | undefined;
  functionTools: Array<{ name: string; parameters: unknown }>;
  toolChoice: ToolChoiceView;
  parallelToolCalls: boolean;
  summaryRequested: boolean;
}

export function checkResponsesParams(body: JsonObject, reasoningModel: boolean): CheckedResponsesParams {
  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = checkStreamOptions(body, stream);
  const store = optionalBoolean(body, "store") ?? true;
  const background = optionalBoolean(body, "background") ?? false;
  optionalString(body, "instructions");
  optionalString(body, "user");
  optionalString(body, "safety_identifier");
  optionalString(body, "prompt_cache_key");
  const previousResponseId = optionalString(body, "previous_response_id");
  // Both the Responses API and Azure reject budgets below 16 tokens.
  const maxOutputTokens = optionalNumber(body, "max_output_tokens", { integer: true, min: 16 });
  optionalNumber(body, "max_tool_calls", { integer: true, min: 1 });
  const temperature = optionalNumber(body, "temperature", { min: 0, max: 2 });
  const topP = optionalNumber(body, "top_p", { min: 0, max: 1 });
  optionalNumber(body, "top_logprobs", { integer: true, min: 0, max: 20 });
  const parallelToolCalls = optionalBoolean(body, "parallel_tool_calls") ?? true;
  checkMetadata(body);
  const truncation = optionalString(body, "truncation");
  if (truncation !== undefined && truncation !== "auto" && truncation !== "disabled") {
    throw invalidValue("truncation", truncation, ["auto", "disabled"]);
  }
  const include = optionalArray(body, "include") ?? [];
  include.forEach((value, i) => {
    if (typeof value !== "string" || !INCLUDABLE.includes(value)) throw invalidValue(`include[${i}]`, value, INCLUDABLE);
  });

  const reasoning = optionalObject(body, "reasoning");
  const effort = reasoning?.effort ?? null;
  const summary = reasoning?.summary ?? reasoning?.generate_summary ?? null;
  if (reasoningModel) {
    if (temperature !== undefined && temperature !== 1) throw unsupportedParameter("temperature");
    if (topP !== undefined && topP !== 1) throw unsupportedParameter("top_p");
    if (effort !== null && !["minimal", "low", "medium", "high"].includes(String(effort))) {
      throw invalidValue("reasoning.effort", effort, ["low", "medium", "high"]);
    }
    if (summary !== null && !["auto", "concise", "detailed"].includes(String(summary))) {
      throw invalidValue("reasoning.summary", summary, ["auto", "concise", "detailed"]);
    }
  } else {
    if (effort !== null) throw unsupportedParameter("reasoning.effort");
    if (summary !== null) throw unsupportedParameter("reasoning.summary");
  }

  const text = optionalObject(body, "text");
  if (text) checkTextFormat(text);
  const functionTools = checkTools(body);
  const toolChoice = checkToolChoice(body, functionTools);

  return {
    stream,
    store,
    background,
    includeObfuscation: streamOptions?.include_obfuscation !== false,
    includeEncryptedReasoning: include.includes("reasoning.encrypted_content"),
    previousResponseId,
    maxOutputTokens,
    functionTools,
    toolChoice,
    parallelToolCalls,
    summaryRequested: reasoningModel && summary !== null,
  };
}

function checkTools(body: JsonObject): Array<{ name: string; parameters: unknown }> {
  const tools = optionalArray(body, "tools") ?? [];
  const out: Array<{ name: string; parameters: unknown }> = [];
  tools.forEach((tool, i) => {
    const param = `tools[${i}]`;
    if (!isJsonObject(tool)) throw invalidType(param, "an object", tool);
    if (typeof tool.type !== "string") throw missingParameter(`${param}.type`);
    if (tool.type !== "function") return;
    // Chat's nested `{type, function:{name}}` has no top-level name: the API says exactly this.
    if (tool.name === undefined || tool.name === null) throw missingParameter(`${param}.name`);
    if (typeof tool.name !== "string") throw invalidType(`${param}.name`, "a string", tool.name);
    if (!TOOL_NAME.test(tool.name)) {
      throw invalidRequest(
        `Invalid '${param}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `${param}.name`,
        "invalid_value",
      );
    }
    const parameters = tool.parameters;
    if (parameters !== undefined && parameters !== null && !isJsonObject(parameters)) {
      throw invalidType(`${param}.parameters`, "an object", parameters);
    }
    if (tool.strict !== undefined && tool.strict !== null && typeof tool.strict !== "boolean") {
      throw invalidType(`${param}.strict`, "a boolean", tool.strict);
    }
    out.push({ name: tool.name, parameters });
  });
  return out;
}

function checkToolChoice(body: JsonObject, tools: Array<{ name: string }>): ToolChoiceView {
  const choice = body.tool_choice;
  if (choice === undefined || choice === null) return "auto";
  if (typeof choice === "string") {
    if (choice === "auto" || choice === "none" || choice === "required") return choice;
    throw invalidValue("tool_choice", choice, ["none", "auto", "required"]);
  }
  if (!isJsonObject(choice)) throw invalidType("tool_choice", "an object", choice);
  if (typeof choice.type !== "string") throw missingParameter("tool_choice.type");
  if (choice.type !== "function") return "auto";
  // Chat's `{type:"function", function:{name}}` lacks the flat name.
  if (typeof choice.name !== "string") throw missingParameter("tool_choice.name");
  if (!tools.some((t) => t.name === choice.name)) {
    throw invalidRequest(`Tool choice '${choice.name}' not found in 'tools' parameter.`, "tool_choice");
  }
  return { name: choice.name };
}

function checkTextFormat(text: JsonObject): void {
  const format = text.format;
  if (format === undefined || format === null) return;
  if (!isJsonObject(format)) throw invalidType("text.format", "an object", format);
  const type = format.type;
  if (type !== "text" && type !== "json_object" && type !== "json_schema") {
    throw invalidValue("text.format.type", type, ["text", "json_object", "json_schema"]);
  }
  if (type === "json_schema") {
    // Chat nests these under `json_schema`; Responses has them flat.
    if (typeof format.name !== "string") throw missingParameter("text.format.name");
    if (!isJsonObject(format.schema)) throw missingParameter("text.format.schema");
  }
  const verbosity = text.verbosity;
  if (verbosity !== undefined && verbosity !== null && !["low", "medium", "high"].includes(String(verbosity))) {
    throw invalidValue("text.verbosity", verbosity, ["low", "medium", "high"]);
  }
}
