import { defaultTypeForStatus, type LoggedError, type LoggingPayload } from "@dheera/core";
import type { RequestContext } from "../http/request-context.js";
import { callCost, type CallRecord } from "./call-record.js";

/**
 * The standard logging payload (core's loggingPayloadSchema, the SDK's shape) of a finished
 * model call. `id` is the proxy's request id and `model` the model_name; `metadata` carries the
 * proxy's own fields: request_id, model_name, api_key_hash (a SHA-256 prefix, never the key),
 * the answering deployment's id and, when a fallback answered, its model_name.
 */
export function callPayload(ctx: RequestContext, call: CallRecord, httpStatus: number, endedAt: number): LoggingPayload {
  const latencyMs = Math.max(0, endedAt - ctx.startedAt);
  const error = ctx.error ?? call.failure ?? (httpStatus >= 400 ? statusError(httpStatus) : null);
  const deployment = call.target?.deployment;
  const cost = callCost(call);
  // Built field by field (no spread of temporary objects): one of these is made per model call.
  const metadata: LoggingPayload["metadata"] = { request_id: ctx.id, model_name: call.modelName, api_key_hash: call.apiKeyHash };
  // LiteLLM's names for the key's alias and team in a logging payload's metadata.
  if (call.keyId !== null) {
    metadata.user_api_key_alias = call.keyAlias;
    metadata.user_api_key_team_id = call.teamId;
  }
  if (call.target) metadata.deployment_id = call.target.id;
  if (call.fallbackModel) metadata.fallback_model = call.fallbackModel;
  const payload: LoggingPayload = {
    id: ctx.id,
    call_type: call.type,
    model: call.modelName,
    provider: deployment?.provider ?? null,
    deployment: deployment?.name ?? null,
    api_base: deployment?.apiBase ?? null,
    response_id: call.responseId,
    upstream_request_id: ctx.log.upstream_request_id ?? null,
    start_time: new Date(ctx.startedAtMs).toISOString(),
    end_time: new Date(ctx.startedAtMs + latencyMs).toISOString(),
    latency_ms: round(latencyMs),
    time_to_first_token_ms: call.stream && call.firstTokenAt !== null ? round(Math.max(0, call.firstTokenAt - ctx.startedAt)) : null,
    stream: call.stream,
    usage: call.usage,
    cost,
    // The source that priced the cost, when there is one.
    price_source: cost !== null ? (deployment?.priceSource ?? null) : null,
    status: error ? "failure" : "success",
    error,
    attempts: call.attempts,
    metadata,
  };
  // A call that never reached the router has no attempts: the field is left out, as it always was.
  if (call.attempts.length === 0) delete payload.attempts;
  return payload;
}

function statusError(status: number): LoggedError {
  return { status, type: defaultTypeForStatus(status), code: null, message: `The request ended with status ${status}.` };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
