import type { FinishReason } from "@dheera/core";

/**
 * How a Response's terminal state maps to a Chat finish_reason and back.
 *
 * An incomplete response wins over tool calls: when the token limit cuts a function call its
 * arguments are truncated JSON, and Chat reports that as "length" too. (The Python original
 * answered "stop" for incomplete responses; a client then trusted a cut-off answer.)
 */

/** What of a Response decides its Chat finish_reason. */
export interface ResponseTerminalState {
  status: string | undefined;
  incompleteReason: string | null | undefined;
  hasToolCalls: boolean;
}

/** A Response's terminal state -> Chat finish_reason: incomplete beats tool calls (see above). */
export function finishReasonFromResponse(state: ResponseTerminalState): FinishReason {
  if (state.status === "incomplete") {
    // Any other (newer) incomplete reason still means the answer was cut short.
    return state.incompleteReason === "content_filter" ? "content_filter" : "length";
  }
  return state.hasToolCalls ? "tool_calls" : "stop";
}

export type IncompleteReason = "max_output_tokens" | "content_filter";

/** Chat finish_reason -> Responses status and incomplete reason (null when complete). */
export function responseStatusFromFinishReason(finishReason: FinishReason | null | undefined): {
  status: "completed" | "incomplete";
  incompleteReason: IncompleteReason | null;
} {
  if (finishReason === "length") return { status: "incomplete", incompleteReason: "max_output_tokens" };
  if (finishReason === "content_filter") return { status: "incomplete", incompleteReason: "content_filter" };
  return { status: "completed", incompleteReason: null };
}
