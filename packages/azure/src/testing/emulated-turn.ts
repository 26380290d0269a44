import { promptBlockedError } from "./content-filter-results.js";
import { EmulatorHttpError, contextLengthExceeded, rateLimited, serverError } from "./emulator-errors.js";
import { newCallId } from "./emulator-ids.js";
import type { EmulatorApi, EmulatorReply, EmulatorReplyContext } from "./emulator-types.js";
import { argumentsFromSchema } from "./tool-arguments.js";
import { countWords, truncateWords } from "./word-tokens.js";

/**
 * The emulated model: decides what a deployment answers, the same way for the Responses API
 * and Chat Completions. Defaults are deterministic; magic phrases in the last user message
 * trigger the error paths; the `reply` option overrides everything.
 */

export const UNICORN_STORY =
  "Once upon a time, a gentle unicorn named Luna found a glowing star. She carried it home across the sleepy hills. By morning, the whole valley was full of light.";

export const DEFAULT_REASONING_SUMMARY = "**Answering the request**\n\nThe user sent a short message, so I will reply directly and briefly.";

/** Reasoning tokens every answer of a reasoning deployment spends. */
export const REASONING_TOKENS = 8;

export const MIDSTREAM_FAILURE_MESSAGE = "The server had an error while processing your request. Sorry about that!";

export const MAGIC = {
  rateLimit: "[[rate_limit]]",
  serverError: "[[server_error]]",
  contentFilter: "[[content_filter]]",
  contextLength: "[[context_length_exceeded]]",
  filterOutput: "[[filter_output]]",
  failMidstream: "[[fail_midstream]]",
  slow: "[[slow]]",
} as const;

export const SLOW_DELAY_MS = 1500;

export type ToolChoiceView = "auto" | "none" | "required" | { name: string };

/** What the emulated model needs to know about a request, whichever API it came through. */
export interface ConversationView {
  api: EmulatorApi;
  deployment: string;
  lastUserText: string;
  /** Words the model reads: instructions and every input text. */
  inputWords: number;
  tools: Array<{ name: string; parameters: unknown }>;
  toolChoice: ToolChoiceView;
  parallelToolCalls: boolean;
  hasToolOutput: boolean;
  /** `max_output_tokens` / `max_completion_tokens` / `max_tokens`. */
  maxOutputTokens: number | undefined;
  /** The deployment is a reasoning model (o-series, codex). */
  reasoning: boolean;
  /** The request asked for `reasoning.summary`. */
  summaryRequested: boolean;
  /** Opens the default answer: who answers, naming the deployment (see `AzureEmulatorOptions.greeting`). */
  greeting: string;
}

export interface EmulatedToolCall {
  name: string;
  arguments: string;
  callId: string;
}

export interface EmulatedTurn {
  /** The assistant text; undefined when the answer has no message. */
  text: string | undefined;
  toolCalls: EmulatedToolCall[];
  /** Present for reasoning deployments; `summary` is empty unless a summary was requested. */
  reasoning: { summary: string[] } | undefined;
  status: "completed" | "incomplete" | "failed";
  incompleteReason: "max_output_tokens" | "content_filter" | undefined;
  failure: { code: string; message: string } | undefined;
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number; cachedTokens: number };
  delayMs: number;
}

export type TurnDecision = { kind: "error"; error: EmulatorHttpError; delayMs: number } | { kind: "answer"; turn: EmulatedTurn };

export interface DecideTurnInput {
  view: ConversationView;
  replyContext: EmulatorReplyContext;
  reply: ((context: EmulatorReplyContext) => EmulatorReply | undefined) | undefined;
  /** `ChatCompletions_Create` / `Responses_Create`, for Azure's 429 message. */
  operationName: string;
  apiVersion: string;
}

export function decideTurn({ view, replyContext, reply, operationName, apiVersion }: DecideTurnInput): TurnDecision {
  const scripted = reply?.(replyContext);
  if (scripted !== undefined) return fromReply(view, scripted);

  const last = view.lastUserText;
  const delayMs = last.includes(MAGIC.slow) ? SLOW_DELAY_MS : 0;
  if (last.includes(MAGIC.rateLimit)) return { kind: "error", error: rateLimited(operationName, apiVersion), delayMs };
  if (last.includes(MAGIC.serverError)) return { kind: "error", error: serverError(), delayMs };
  if (last.includes(MAGIC.contentFilter)) return { kind: "error", error: promptBlockedError(view.api), delayMs };
  if (last.includes(MAGIC.contextLength)) return { kind: "error", error: contextLengthExceeded(view.api), delayMs };

  const content = defaultContent(view);
  const turn = finishTurn(view, content.text, content.toolCalls, undefined, delayMs);
  if (last.includes(MAGIC.failMidstream)) {
    return { kind: "answer", turn: failedTurn(turn, { code: "server_error", message: MIDSTREAM_FAILURE_MESSAGE }) };
  }
  if (last.includes(MAGIC.filterOutput)) return { kind: "answer", turn: filteredTurn(view, turn) };
  return { kind: "answer", turn };
}

function defaultText(view: ConversationView): string {
  if (/unicorn/i.test(view.lastUserText)) return UNICORN_STORY;
  return `${view.greeting}: ${view.lastUserText}`.trimEnd();
}

function defaultContent(view: ConversationView): { text: string | undefined; toolCalls: EmulatedToolCall[] } {
  if (view.tools.length > 0 && view.toolChoice !== "none" && !view.hasToolOutput) {
    const forced = typeof view.toolChoice === "object" ? view.toolChoice.name : undefined;
    const chosen = forced
      ? view.tools.filter((t) => t.name === forced).slice(0, 1)
      : view.tools.slice(0, view.parallelToolCalls && view.tools.length >= 2 ? 2 : 1);
    if (chosen.length > 0) {
      return {
        text: undefined,
        toolCalls: chosen.map((t) => ({ name: t.name, arguments: argumentsFromSchema(t.parameters), callId: newCallId() })),
      };
    }
  }
  return { text: defaultText(view), toolCalls: [] };
}

/** Applies the token budget and counts usage. */
function finishTurn(
  view: ConversationView,
  text: string | undefined,
  toolCalls: EmulatedToolCall[],
  summary: string[] | undefined,
  delayMs: number,
): EmulatedTurn {
  const reasoningTokens = view.reasoning ? REASONING_TOKENS : 0;
  let status: EmulatedTurn["status"] = "completed";
  let incompleteReason: EmulatedTurn["incompleteReason"];
  let finalText = text;
  if (view.maxOutputTokens !== undefined && finalText !== undefined) {
    // The budget includes reasoning tokens, as on the real API.
    const budget = view.maxOutputTokens - reasoningTokens;
    if (countWords(finalText) > budget) {
      finalText = truncateWords(finalText, budget);
      if (finalText === "") finalText = undefined;
      status = "incomplete";
      incompleteReason = "max_output_tokens";
    }
  }
  const outputWords = countWords(finalText ?? "") + toolCalls.reduce((n, c) => n + countWords(c.arguments), 0);
  return {
    text: finalText,
    toolCalls,
    reasoning: view.reasoning ? { summary: view.summaryRequested ? (summary ?? [DEFAULT_REASONING_SUMMARY]) : [] } : undefined,
    status,
    incompleteReason,
    failure: undefined,
    usage: { inputTokens: view.inputWords, outputTokens: outputWords + reasoningTokens, reasoningTokens, cachedTokens: 0 },
    delayMs,
  };
}

function failedTurn(turn: EmulatedTurn, failure: { code: string; message: string }): EmulatedTurn {
  return { ...turn, text: undefined, toolCalls: [], status: "failed", incompleteReason: undefined, failure };
}

/** Output filter: the first half of the text gets out, then the filter stops the answer. */
function filteredTurn(view: ConversationView, turn: EmulatedTurn): EmulatedTurn {
  const text = turn.text === undefined ? undefined : truncateWords(turn.text, Math.floor(countWords(turn.text) / 2)) || undefined;
  const reasoningTokens = turn.usage.reasoningTokens;
  return {
    ...turn,
    text,
    toolCalls: [],
    status: "incomplete",
    incompleteReason: "content_filter",
    usage: { ...turn.usage, inputTokens: view.inputWords, outputTokens: countWords(text ?? "") + reasoningTokens },
  };
}

function fromReply(view: ConversationView, reply: EmulatorReply): TurnDecision {
  const delayMs = reply.delayMs ?? 0;
  if (reply.error) {
    return { kind: "error", error: new EmulatorHttpError(reply.error.status, reply.error.body, reply.error.headers ?? {}), delayMs };
  }
  let text: string | undefined;
  let toolCalls: EmulatedToolCall[];
  if (reply.text !== undefined || reply.toolCalls !== undefined) {
    text = reply.text;
    toolCalls = (reply.toolCalls ?? []).map((call) => ({
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
      callId: call.callId ?? newCallId(),
    }));
  } else {
    ({ text, toolCalls } = defaultContent(view));
  }
  const summary = reply.reasoningSummary === undefined ? undefined : [reply.reasoningSummary].flat();
  const budgeted = reply.status === undefined ? view : { ...view, maxOutputTokens: undefined };
  let turn = finishTurn(budgeted, text, toolCalls, summary, delayMs);
  if (reply.status === "failed") {
    turn = failedTurn(turn, {
      code: reply.failure?.code ?? "server_error",
      message: reply.failure?.message ?? MIDSTREAM_FAILURE_MESSAGE,
    });
  } else if (reply.status === "incomplete") {
    turn = { ...turn, status: "incomplete", incompleteReason: reply.incompleteReason ?? "max_output_tokens" };
  }
  if (reply.usage) {
    const u = reply.usage;
    turn = {
      ...turn,
      usage: {
        inputTokens: u.inputTokens ?? turn.usage.inputTokens,
        outputTokens: u.outputTokens ?? turn.usage.outputTokens,
        reasoningTokens: u.reasoningTokens ?? turn.usage.reasoningTokens,
        cachedTokens: u.cachedTokens ?? turn.usage.cachedTokens,
      },
    };
  }
  return { kind: "answer", turn };
}
