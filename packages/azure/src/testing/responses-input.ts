import { EmulatorHttpError, invalidRequest, invalidType, invalidValue, missingParameter, openAIErrorBody } from "./emulator-errors.js";
import { newFunctionCallItemId, newFunctionCallOutputItemId, newMessageId, newReasoningId, alphanumeric } from "./emulator-ids.js";
import { isJsonObject, type JsonObject } from "./request-checks.js";

/**
 * Validates the Responses `input` the way the API does (roles, content-part types, flat
 * function-call items, tool outputs that answer a call) and normalises it into stored input
 * items with ids, for `GET /responses/{id}/input_items`.
 */

const MESSAGE_ROLES = ["assistant", "system", "developer", "user"] as const;
const INPUT_PART_TYPES = ["input_text", "input_image", "output_text", "refusal", "input_file", "computer_screenshot", "summary_text"];
const USER_PART_TYPES = new Set(["input_text", "input_image", "input_file", "input_audio"]);
const ASSISTANT_PART_TYPES = ["output_text", "refusal"];
const ITEM_TYPES = [
  "message",
  "function_call",
  "function_call_output",
  "reasoning",
  "item_reference",
  "file_search_call",
  "computer_call",
  "computer_call_output",
  "web_search_call",
  "image_generation_call",
  "code_interpreter_call",
  "local_shell_call",
  "local_shell_call_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "custom_tool_call",
  "custom_tool_call_output",
  "compaction",
];

export interface ResponsesInputContext {
  /** call_ids issued by earlier responses of the `previous_response_id` chain. */
  priorCallIds: ReadonlySet<string>;
  /** Function calls of the previous response that this input has to answer. */
  pendingCallIds: readonly string[];
  /** Encrypted reasoning this resource issued starts `gAAAAA<mark>`; any other cannot be decrypted here. */
  encryptionMark: string;
  /** A stored item by id, for `item_reference`. */
  findItem(id: string): JsonObject | undefined;
}

export interface NormalizedResponsesInput {
  /** Input items as stored (every item has an id). */
  items: JsonObject[];
  lastUserText: string;
  /** Every text the model reads, for token counting. */
  texts: string[];
  hasToolOutput: boolean;
}

export function normalizeResponsesInput(input: unknown, context: ResponsesInputContext): NormalizedResponsesInput {
  const pendingFirst = context.pendingCallIds[0];
  if (input === undefined || input === null || typeof input === "string") {
    if (pendingFirst !== undefined) throw invalidRequest(`No tool output found for function call ${pendingFirst}.`, "input");
  }
  if (input === undefined || input === null) return { items: [], lastUserText: "", texts: [], hasToolOutput: false };
  if (typeof input === "string") {
    return {
      items: [{ id: newMessageId(), type: "message", role: "user", content: [{ type: "input_text", text: input }], status: "completed" }],
      lastUserText: input,
      texts: [input],
      hasToolOutput: false,
    };
  }
  if (!Array.isArray(input)) throw invalidType("input", "a string or an array", input);

  const items: JsonObject[] = [];
  const texts: string[] = [];
  let lastUserText = "";
  let hasToolOutput = false;
  const callIds = new Set(context.priorCallIds);
  const answered = new Set<string>();
  const calledHere: string[] = [];

  input.forEach((raw, i) => {
    const param = `input[${i}]`;
    if (!isJsonObject(raw)) throw invalidType(param, "an object", raw);
    let item = raw;
    let type = typeof item.type === "string" ? item.type : item.role !== undefined ? "message" : item.id !== undefined ? "item_reference" : undefined;
    if (type === undefined) throw missingParameter(`${param}.type`);
    if (type === "item_reference") {
      if (typeof item.id !== "string") throw missingParameter(`${param}.id`);
      const found = context.findItem(item.id);
      if (!found) throw invalidRequest(`Item with id '${item.id}' not found.`, "input");
      item = found;
      type = String(found.type);
    }
    switch (type) {
      case "message": {
        const message = normalizeMessage(item, param);
        items.push(message.item);
        texts.push(...message.texts);
        if (message.item.role === "user") lastUserText = message.texts.join(" ");
        return;
      }
      case "function_call": {
        const callId = requireString(item, "call_id", param);
        const name = requireString(item, "name", param);
        const args = requireString(item, "arguments", param);
        if (item.id !== undefined && (typeof item.id !== "string" || !item.id.startsWith("fc"))) {
          throw invalidRequest(`Invalid '${param}.id': '${String(item.id)}'. Expected an ID that begins with 'fc'.`, `${param}.id`, "invalid_value");
        }
        callIds.add(callId);
        calledHere.push(callId);
        texts.push(args);
        items.push({ id: item.id ?? newFunctionCallItemId(), type, status: "completed", arguments: args, call_id: callId, name });
        return;
      }
      case "function_call_output": {
        const callId = requireString(item, "call_id", param);
        const output = item.output;
        if (output === undefined || output === null) throw missingParameter(`${param}.output`);
        if (typeof output !== "string" && !Array.isArray(output)) throw invalidType(`${param}.output`, "a string or an array", output);
        if (!callIds.has(callId)) throw invalidRequest(`No tool call found for function call output with call_id ${callId}.`, "input");
        answered.add(callId);
        hasToolOutput = true;
        texts.push(typeof output === "string" ? output : partsText(output).join(" "));
        items.push({ id: typeof item.id === "string" ? item.id : newFunctionCallOutputItemId(), type, call_id: callId, output, status: "completed" });
        return;
      }
      case "reasoning": {
        if (item.summary !== undefined && !Array.isArray(item.summary)) throw invalidType(`${param}.summary`, "an array", item.summary);
        const encrypted = item.encrypted_content;
        if (typeof encrypted === "string" && !encrypted.startsWith(`gAAAAA${context.encryptionMark}`)) throw invalidEncryptedContent(encrypted);
        items.push({ ...item, id: typeof item.id === "string" ? item.id : newReasoningId() });
        return;
      }
      default: {
        if (!ITEM_TYPES.includes(type)) throw invalidValue(`${param}.type`, type, ITEM_TYPES);
        items.push({ ...item, id: typeof item.id === "string" ? item.id : `item_${alphanumeric(24)}` });
      }
    }
  });

  for (const callId of [...context.pendingCallIds, ...calledHere]) {
    if (!answered.has(callId)) throw invalidRequest(`No tool output found for function call ${callId}.`, "input");
  }
  return { items, lastUserText, texts, hasToolOutput };
}

function requireString(item: JsonObject, key: string, param: string): string {
  const value = item[key];
  if (value === undefined || value === null) throw missingParameter(`${param}.${key}`);
  if (typeof value !== "string") throw invalidType(`${param}.${key}`, "a string", value);
  return value;
}

function normalizeMessage(item: JsonObject, param: string): { item: JsonObject; texts: string[] } {
  const role = item.role;
  if (role === undefined || role === null) throw missingParameter(`${param}.role`);
  if (typeof role !== "string" || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
    throw invalidValue(`${param}.role`, role, MESSAGE_ROLES);
  }
  const content = item.content;
  if (content === undefined || content === null) throw missingParameter(`${param}.content`);
  const assistant = role === "assistant";
  let parts: JsonObject[];
  if (typeof content === "string") {
    parts = [assistant ? { type: "output_text", text: content, annotations: [] } : { type: "input_text", text: content }];
  } else if (Array.isArray(content)) {
    parts = content.map((part, j) => checkPart(part, `${param}.content[${j}]`, assistant));
  } else {
    throw invalidType(`${param}.content`, "a string or an array", content);
  }
  const stored: JsonObject = { id: typeof item.id === "string" ? item.id : newMessageId(), type: "message", role, content: parts };
  stored.status = typeof item.status === "string" ? item.status : "completed";
  return { item: stored, texts: partsText(parts) };
}

function checkPart(part: unknown, param: string, assistant: boolean): JsonObject {
  if (!isJsonObject(part)) throw invalidType(param, "an object", part);
  const type = part.type;
  if (typeof type !== "string") throw missingParameter(`${param}.type`);
  if (assistant) {
    if (!ASSISTANT_PART_TYPES.includes(type)) throw invalidValue(param, type, ASSISTANT_PART_TYPES);
  } else if (!USER_PART_TYPES.has(type)) {
    throw invalidValue(`${param}.type`, type, INPUT_PART_TYPES);
  }
  switch (type) {
    case "input_text":
    case "output_text":
      if (typeof part.text !== "string") throw part.text === undefined ? missingParameter(`${param}.text`) : invalidType(`${param}.text`, "a string", part.text);
      break;
    case "refusal":
      if (typeof part.refusal !== "string") throw missingParameter(`${param}.refusal`);
      break;
    case "input_image":
      // Responses takes a plain string; Chat's `{url, detail}` object is a common bridging bug.
      if (part.image_url !== undefined && part.image_url !== null && typeof part.image_url !== "string") {
        throw invalidType(`${param}.image_url`, "a string", part.image_url);
      }
      if ((part.image_url === undefined || part.image_url === null) && (part.file_id === undefined || part.file_id === null)) {
        throw invalidRequest(`Invalid '${param}': one of 'image_url' or 'file_id' must be provided.`, param, "missing_required_parameter");
      }
      break;
    default:
      break;
  }
  return part;
}

function partsText(parts: unknown[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (!isJsonObject(part)) continue;
    if (typeof part.text === "string") out.push(part.text);
    else if (typeof part.refusal === "string") out.push(part.refusal);
  }
  return out;
}

/** Azure's answer to reasoning encrypted by another resource (or altered): the content shown by its ends only. */
function invalidEncryptedContent(content: string): EmulatorHttpError {
  const shown = content.length > 8 ? `${content.slice(0, 4)}...${content.slice(-4)}` : content;
  return new EmulatorHttpError(400, openAIErrorBody({ message: `The encrypted content ${shown} could not be verified.`, code: "invalid_encrypted_content" }));
}
