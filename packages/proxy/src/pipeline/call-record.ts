import type { IncomingHttpHeaders } from "node:http";
import type { HeaderList } from "../http/header-list.js";
import { PRICED_CALL_TYPES, costOf, type AttemptRecord, type CallType, type LoggedError, type RouterTarget, type TokenUsage } from "@dheera/core";
import { apiKeyHash } from "../auth/api-key-hash.js";
import type { Lease } from "../limits/limit-store.js";
import type { RequestContext } from "../http/request-context.js";
import type { ProxyServices } from "./services.js";
import { operationName } from "./operation-name.js";

/**
 * What one model call (a request to a call route) learns on its way: the deployment, the usage,
 * how a stream ended. When the request is done it becomes one logging payload and one spend row.
 */
export interface CallRecord {
  readonly type: CallType;
  /** SHA-256 prefix of the key the client presented (never the key); null without one. */
  readonly apiKeyHash: string | null;
  /** The virtual key that made the call (its stable id, alias and team); null for the master key. */
  readonly keyId: string | null;
  readonly keyAlias: string | null;
  readonly teamId: string | null;
  /** The key's and team's limits this call counts against, from admission to the end. */
  lease: Lease | undefined;
  /** The model_name the client asked for ("" when it sent none). */
  modelName: string;
  stream: boolean;
  /** The deployment of the latest attempt: the one that answered, once the call is done. */
  target: RouterTarget | undefined;
  /** Every upstream attempt, in order (retries and fallbacks included). */
  attempts: AttemptRecord[];
  /** The model_name that answered when a fallback did. */
  fallbackModel: string | null;
  usage: TokenUsage | null;
  /** The response id as the client saw it (the proxy's routable id for Responses). */
  responseId: string | null;
  /** performance.now() at the first output token of a stream. */
  firstTokenAt: number | null;
  /** A failure the HTTP status does not show: reported inside a 200 answer or a stream. */
  failure: LoggedError | null;
  /**
   * Whether the call is priced, when its type does not say (background-pricing.ts): true for the
   * first sight of a finished background response, false for a stream of one already billed.
   */
  bills?: boolean;
}

/**
 * Starts the record of a call and attaches it to the request: when the request is done, the
 * record becomes its logging payload and spend row (queued, never awaited), and its usage and
 * cost go into the log line.
 */
export function beginCall(s: ProxyServices, ctx: RequestContext, headers: IncomingHttpHeaders, type: CallType): CallRecord {
  const identity = ctx.identity?.kind === "virtual" ? ctx.identity : undefined;
  const call: CallRecord = {
    type,
    apiKeyHash: apiKeyHash(headers),
    keyId: identity ? identity.key.key_id : null,
    keyAlias: identity ? identity.key.key_alias : null,
    teamId: identity ? identity.key.team_id : null,
    lease: undefined,
    modelName: "",
    stream: false,
    target: undefined,
    attempts: [],
    fallbackModel: null,
    usage: null,
    responseId: null,
    firstTokenAt: null,
    failure: null,
  };
  ctx.attachment = {
    finished(ctx, status, endedAt) {
      if (call.usage) ctx.log.usage = call.usage;
      const payload = s.reporting.report(ctx, call, status, endedAt);
      ctx.log.cost = payload.cost;
      ctx.trace?.callFinished(payload, operationName(call.type), call.target);
      s.metrics?.callFinished({
        payload,
        route: ctx.route ?? "unmatched",
        httpStatus: status,
        modelName: s.router.has(call.modelName) ? call.modelName : "unknown",
        deployment: call.target?.id ?? "",
        keyAlias: identity ? (identity.key.key_alias ?? identity.key.key_name) : null,
        teamId: call.teamId,
      });
      // Calls that failed before their answer settle here (a settled lease ignores this).
      settleLimits(call);
    },
  };
  return call;
}

/**
 * Counts the call's tokens and cost toward its key's and team's limits and budgets, and frees
 * its parallel slot: as soon as they are known, before the answer reaches the client, so the
 * client's next call already sees them. Once per call; nothing for the master key.
 */
export function settleLimits(call: CallRecord): void {
  call.lease?.settle({ totalTokens: call.usage?.total_tokens ?? 0, cost: callCost(call) ?? 0 });
}

/**
 * USD, or null when the usage or the deployment's price is unknown (never a silent 0). Calls on
 * stored responses (retrieve, delete, ...) generate no tokens and cost 0.
 */
export function callCost(call: CallRecord): number | null {
  return (call.bills ?? PRICED_CALL_TYPES.has(call.type)) ? costOf(call.usage, call.target?.deployment.price) : 0;
}

/** Adds `x-dheera-response-cost` for a JSON answer to `headers`; no header when the cost is unknown. */
export function withCostHeader(headers: HeaderList, call: CallRecord): HeaderList {
  const cost = callCost(call);
  if (cost !== null) headers.push("x-dheera-response-cost", String(cost));
  return headers;
}
