import { decideTurn, type ConversationView } from "./emulated-turn.js";
import { findDeployment, type RouteContext } from "./emulator-context.js";
import { EmulatorHttpError, conversationNotFound, invalidRequest, invalidType, invalidValue, openAIErrorBody, operationNotSupported, responseNotFound, serverError } from "./emulator-errors.js";
import { jsonResponse, sleep, sseResponse } from "./emulator-http.js";
import { newResponseId } from "./emulator-ids.js";
import { buildOutputItems, buildResponseObject, inProgressSnapshot, itemText } from "./response-object.js";
import { isJsonObject, parseJsonObjectBody, requiredString, type JsonObject } from "./request-checks.js";
import type { StoredConversation } from "./conversations-store.js";
import { checkResponsesParams } from "./responses-request-checks.js";
import { normalizeResponsesInput } from "./responses-input.js";
import { isRunning, pageInputItems, type InputItemsPage, type StoredResponse } from "./responses-store.js";
import { responseStreamEvents, toResponsesSseFrames } from "./responses-stream-events.js";
import { countWords } from "./word-tokens.js";

/** The Responses API routes: create, retrieve, delete, cancel, input_items. */

export async function createResponse(ctx: RouteContext): Promise<Response> {
  const { runtime, route } = ctx;
  const body = parseJsonObjectBody(ctx.bodyText);
  let deploymentName: string;
  if (route.deployment !== undefined) {
    if (body.model !== undefined && body.model !== null && typeof body.model !== "string") throw invalidType("model", "a string", body.model);
    deploymentName = route.deployment;
  } else {
    deploymentName = requiredString(body, "model");
  }
  const deployment = findDeployment(runtime, deploymentName);
  if (!deployment.supportsResponses) throw operationNotSupported("responses", deployment.model);
  const params = checkResponsesParams(body, deployment.reasoning);
  if (params.background && !params.store) {
    // Background runs are polled, so they have to be stored (wording inferred).
    throw invalidRequest("Background mode requires 'store' to be true.", "background");
  }

  let previous: StoredResponse | undefined;
  if (params.previousResponseId !== undefined) {
    previous = runtime.store.peek(params.previousResponseId);
    if (!previous) {
      throw invalidRequest(
        `Previous response with id '${params.previousResponseId}' not found.`,
        "previous_response_id",
        "previous_response_not_found",
      );
    }
  }
  // `conversation`: an id or `{ id }`; its items come first, and this turn's are added to it.
  const conversation = conversationOf(ctx, body, params.previousResponseId);
  const input = normalizeResponsesInput(body.input, {
    priorCallIds: previous?.chainCallIds ?? new Set(),
    pendingCallIds: previous?.pendingCallIds ?? [],
    encryptionMark: runtime.encryptionMark,
    findItem: (id) => runtime.store.findItem(id),
  });
  const instructions = typeof body.instructions === "string" ? body.instructions : "";
  const conversationTexts = conversation ? conversation.items.filter((i) => i.type !== "reasoning").map(itemText) : [];
  const readTexts = [...(previous?.chainTexts ?? []), ...conversationTexts, instructions, ...input.texts].filter((t) => t !== "");

  const view: ConversationView = {
    api: "responses",
    deployment: deployment.name,
    lastUserText: input.lastUserText,
    inputWords: readTexts.reduce((n, t) => n + countWords(t), 0),
    tools: params.functionTools,
    toolChoice: params.toolChoice,
    parallelToolCalls: params.parallelToolCalls,
    hasToolOutput: input.hasToolOutput,
    maxOutputTokens: params.maxOutputTokens,
    reasoning: deployment.reasoning,
    summaryRequested: params.summaryRequested,
    greeting: runtime.greeting(deployment.name),
  };
  const decision = decideTurn({
    view,
    replyContext: {
      api: "responses",
      surface: route.surface,
      deployment: deployment.name,
      model: deployment.model,
      body,
      lastUserText: input.lastUserText,
      hasToolOutput: input.hasToolOutput,
      toolNames: params.functionTools.map((t) => t.name),
      request: ctx.recorded,
    },
    reply: runtime.reply,
    operationName: "Responses_Create",
    apiVersion: ctx.apiVersion,
  });
  if (decision.kind === "error") {
    await sleep(decision.delayMs, ctx.signal);
    throw decision.error;
  }
  const turn = decision.turn;
  const seed = {
    id: newResponseId(),
    createdAt: Math.floor(Date.now() / 1000),
    body,
    deployment: deployment.name,
    reasoningModel: deployment.reasoning,
    includeEncryptedReasoning: params.includeEncryptedReasoning,
    encryptionMark: runtime.encryptionMark,
    promptChars: readTexts.join(" ").length,
  };
  const output = buildOutputItems(turn, seed);
  const final = buildResponseObject(seed, turn, output);
  if (conversation) {
    final.conversation = { id: conversation.id };
    if (turn.status !== "failed") conversation.items.push(...input.items, ...output);
  }
  runtime.spendTokens(turn.usage.inputTokens + turn.usage.outputTokens);

  await sleep(turn.delayMs, ctx.signal);
  if (turn.status === "failed" && !params.stream && !params.background) {
    throw serverError(turn.failure?.message, turn.failure?.code ?? "server_error");
  }

  const stored: StoredResponse = {
    current: params.background && !params.stream ? inProgressSnapshot(final, "queued") : final,
    final,
    inputItems: input.items,
    background: params.background,
    readyAt: Date.now() + ctx.runtime.backgroundDelayMs,
    includeObfuscation: params.includeObfuscation,
    chainCallIds: new Set([...(previous?.chainCallIds ?? []), ...callIdsOf(input.items), ...callIdsOf(output)]),
    pendingCallIds: callIdsOf(output),
    chainTexts: [...readTexts, ...output.filter((i) => i.type !== "reasoning").map(itemText)],
  };
  if (params.store) runtime.store.put(seed.id, stored);

  if (params.stream) {
    const events = responseStreamEvents(final, { includeObfuscation: params.includeObfuscation });
    return sseResponse(toResponsesSseFrames(events), { delayMs: runtime.streamDelayMs, signal: ctx.signal });
  }
  return jsonResponse(200, stored.current);
}

export function retrieveResponse(ctx: RouteContext): Response {
  const id = ctx.route.responseId as string;
  const stored = ctx.runtime.store.get(id);
  if (!stored) throw responseNotFound(id);
  const query = ctx.url.searchParams;
  if (query.get("stream") === "true") {
    // Replays the stream of a stored response (finishing a background run first).
    if (isRunning(stored.current)) stored.current = stored.final;
    const startingAfter = Number(query.get("starting_after") ?? -1);
    const includeObfuscation = query.get("include_obfuscation") !== "false" && stored.includeObfuscation;
    const events = responseStreamEvents(stored.current, { includeObfuscation }).filter((e) => Number(e.sequence_number) > startingAfter);
    return sseResponse(toResponsesSseFrames(events), { delayMs: ctx.runtime.streamDelayMs, signal: ctx.signal });
  }
  return jsonResponse(200, stored.current);
}

export function deleteResponse(ctx: RouteContext): Response {
  const id = ctx.route.responseId as string;
  if (!ctx.runtime.store.delete(id)) throw responseNotFound(id);
  return jsonResponse(200, { id, object: "response", deleted: true });
}

export function cancelResponse(ctx: RouteContext): Response {
  const id = ctx.route.responseId as string;
  const stored = ctx.runtime.store.get(id);
  if (!stored) throw responseNotFound(id);
  if (!stored.background) throw invalidRequest("Cannot cancel a synchronous response.");
  if (!ctx.runtime.store.cancel(stored)) {
    throw invalidRequest(`Cannot cancel a response with status '${String(stored.current.status)}'.`);
  }
  return jsonResponse(200, stored.current);
}

export function listInputItems(ctx: RouteContext): Response {
  const id = ctx.route.responseId as string;
  const stored = ctx.runtime.store.get(id);
  if (!stored) throw responseNotFound(id);
  return jsonResponse(200, pageOfItems(stored.inputItems, ctx.url.searchParams));
}

/** One page of a list of items as the query asks for it (`limit`, `order`, `after`), checked as the API checks them. */
export function pageOfItems(items: JsonObject[], query: URLSearchParams): InputItemsPage {
  const limit = parseLimit(query.get("limit"));
  const order = query.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw invalidValue("order", order, ["asc", "desc"]);
  const after = query.get("after") ?? undefined;
  const page = pageInputItems(items, order, limit, after);
  if (!page) throw new EmulatorHttpError(400, openAIErrorBody({ message: `Invalid 'after': no item with id '${after}' in this list.`, param: "after" }));
  return page;
}

function parseLimit(raw: string | null): number {
  if (raw === null) return 20;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid type for 'limit': expected an integer, but got a string instead.`, "limit", "invalid_type");
  if (value < 1) throw invalidRequest(`Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${value} instead.`, "limit", "integer_below_min_value");
  if (value > 100) throw invalidRequest(`Invalid 'limit': integer above maximum value. Expected a value <= 100, but got ${value} instead.`, "limit", "integer_above_max_value");
  return value;
}

function callIdsOf(items: JsonObject[]): string[] {
  return items.filter((i) => i.type === "function_call" && typeof i.call_id === "string").map((i) => i.call_id as string);
}

function conversationOf(ctx: RouteContext, body: JsonObject, previousResponseId: string | undefined): StoredConversation | undefined {
  const value = body.conversation;
  if (value === undefined || value === null) return undefined;
  const id = typeof value === "string" ? value : isJsonObject(value) && typeof value.id === "string" ? value.id : undefined;
  if (id === undefined) throw invalidType("conversation", "a string or an object with an 'id'", value);
  if (previousResponseId !== undefined) {
    throw invalidRequest("Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.", null, "mutually_exclusive_parameters");
  }
  if (ctx.route.surface !== "v1") throw invalidRequest("Conversations are only available on the v1 API (/openai/v1/responses).", "conversation");
  const found = ctx.runtime.conversations.get(id);
  if (!found) throw conversationNotFound(id);
  return found;
}
