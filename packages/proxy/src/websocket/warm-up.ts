import { randomBytes } from "node:crypto";
import { checkModelName, modelNotFound, type Router } from "@dheera/core";

/**
 * A `generate: false` create: OpenAI's warm-up, which primes a connection with context and
 * answers a response id to continue from, generating nothing. The proxy answers it itself (no
 * upstream call, no tokens, no cost): a `response.created` and a `response.completed` with no
 * output. Its id lives only on this connection (turn-memory.ts holds its context).
 */
export function warmUpEvents(router: Router, body: Record<string, unknown>): { id: string; events: string[] } {
  const model = checkModelName(body.model);
  if (!router.has(model)) throw modelNotFound(model);
  const id = `resp_ws${randomBytes(24).toString("hex")}`;
  const response = {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "in_progress",
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    store: body.store ?? true,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    metadata: body.metadata ?? {},
    usage: null,
  };
  const usage = { input_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens: 0, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 0 };
  return {
    id,
    events: [
      JSON.stringify({ type: "response.created", sequence_number: 0, response }),
      JSON.stringify({ type: "response.completed", sequence_number: 1, response: { ...response, status: "completed", usage } }),
    ],
  };
}
