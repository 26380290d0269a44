import { buildChatCompletion, chatStreamPayloads, toChatSseFrames } from "./chat-completion-builder.js";
import { checkChatRequest } from "./chat-request-checks.js";
import { decideTurn } from "./emulated-turn.js";
import { findDeployment, type RouteContext } from "./emulator-context.js";
import { invalidType, operationNotSupported, serverError } from "./emulator-errors.js";
import { jsonResponse, sleep, sseResponse } from "./emulator-http.js";
import { newChatCompletionId, newSystemFingerprint } from "./emulator-ids.js";
import { parseJsonObjectBody, requiredString } from "./request-checks.js";
import { countWords } from "./word-tokens.js";

/** `POST /openai/deployments/{dep}/chat/completions` and `POST /openai/v1/chat/completions`. */

export async function createChatCompletion(ctx: RouteContext): Promise<Response> {
  const { runtime, route } = ctx;
  const body = parseJsonObjectBody(ctx.bodyText);
  let deploymentName: string;
  if (route.deployment !== undefined) {
    // The path names the deployment; a body `model` is ignored, as on Azure.
    if (body.model !== undefined && body.model !== null && typeof body.model !== "string") throw invalidType("model", "a string", body.model);
    deploymentName = route.deployment;
  } else {
    deploymentName = requiredString(body, "model");
  }
  const deployment = findDeployment(runtime, deploymentName);
  if (!deployment.supportsChat) throw operationNotSupported("chatCompletion", deployment.model);
  const checked = checkChatRequest(body, deployment, ctx.apiVersion);

  const decision = decideTurn({
    view: {
      api: "chat",
      deployment: deployment.name,
      lastUserText: checked.lastUserText,
      inputWords: checked.texts.reduce((n, t) => n + countWords(t), 0),
      tools: checked.functionTools,
      toolChoice: checked.toolChoice,
      parallelToolCalls: checked.parallelToolCalls,
      hasToolOutput: checked.hasToolOutput,
      maxOutputTokens: checked.maxTokens,
      reasoning: deployment.reasoning,
      summaryRequested: false,
      greeting: runtime.greeting(deployment.name),
    },
    replyContext: {
      api: "chat",
      surface: route.surface,
      deployment: deployment.name,
      model: deployment.model,
      body,
      lastUserText: checked.lastUserText,
      hasToolOutput: checked.hasToolOutput,
      toolNames: checked.functionTools.map((t) => t.name),
      request: ctx.recorded,
    },
    reply: runtime.reply,
    operationName: "ChatCompletions_Create",
    apiVersion: ctx.apiVersion,
  });
  if (decision.kind === "error") {
    await sleep(decision.delayMs, ctx.signal);
    throw decision.error;
  }
  const turn = decision.turn;
  runtime.spendTokens(turn.usage.inputTokens + turn.usage.outputTokens * checked.n);
  await sleep(turn.delayMs, ctx.signal);

  const seed = {
    id: newChatCompletionId(),
    created: Math.floor(Date.now() / 1000),
    model: deployment.model,
    systemFingerprint: newSystemFingerprint(),
    n: checked.n,
  };
  if (checked.stream) {
    const payloads = chatStreamPayloads(seed, turn, { includeUsage: checked.includeUsage });
    return sseResponse(toChatSseFrames(payloads), { delayMs: runtime.streamDelayMs, signal: ctx.signal });
  }
  if (turn.status === "failed") throw serverError(turn.failure?.message, turn.failure?.code ?? "server_error");
  return jsonResponse(200, buildChatCompletion(seed, turn));
}
