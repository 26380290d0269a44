import { DheeraError, RateLimitError } from "@dheera/core";
import type { RequestContext } from "../http/request-context.js";
import type { ResponseHead } from "../http/response-head.js";
import type { Admission, LimitKind } from "../limits/limit-store.js";
import type { CallRecord } from "./call-record.js";
import type { ProxyServices } from "./services.js";

/**
 * What a virtual key's call must pass before it reaches the router: the key (and its team) may
 * use the model, and every rate limit and budget has room. An admitted call holds a lease until
 * it is done (call-record.ts settles it with the tokens and cost); its answer carries OpenAI's
 * `x-ratelimit-*` headers either way. The master key and an open proxy pass at once.
 */
export function admitCall(s: ProxyServices, ctx: RequestContext, res: ResponseHead, call: CallRecord, model: unknown): void | Promise<void> {
  const identity = ctx.identity;
  if (identity?.kind !== "virtual") return;
  checkModelAccess(s, ctx, model);
  if (identity.subjects.length === 0 || s.limits === undefined) return;
  const admission = s.limits.admit(identity.subjects);
  if (admission instanceof Promise) return admission.then((a) => settleAdmission(s, res, call, a));
  settleAdmission(s, res, call, admission);
}

/** A virtual key may call only its models: else 403, before anything else is counted. */
export function checkModelAccess(s: Pick<ProxyServices, "metrics">, ctx: RequestContext, model: unknown): void {
  const allowed = ctx.identity?.kind === "virtual" ? ctx.identity.allowedModels : null;
  if (allowed !== null && typeof model === "string" && !allowed.has(model)) {
    s.metrics?.rejected("model_access", "key");
    const list = allowed.size === 0 ? "none" : [...allowed].sort().join(", ");
    throw new DheeraError(`This key may not call the model '${model.slice(0, 64)}'. It may call: ${list}.`, {
      status: 403,
      type: "permission_error",
      param: "model",
      code: "model_access_denied",
    });
  }
}

function settleAdmission(s: ProxyServices, res: ResponseHead, call: CallRecord, admission: Admission): void {
  if (!res.headersSent) {
    const headers = admission.headers;
    for (const name in headers) res.setHeader(name, headers[name as keyof typeof headers]!);
  }
  if (admission.ok) {
    call.lease = admission.lease;
    return;
  }
  const { kind, subject, limit, used, retryAfterMs } = admission;
  s.metrics?.rejected(kind, subject.id.startsWith("team:") ? "team" : "key");
  const retryAfter = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  if (kind === "budget") {
    const resets = Number.isFinite(retryAfterMs) && retryAfterMs < 1e14 ? ` It resets at ${new Date(Date.now() + retryAfterMs).toISOString()}.` : "";
    throw new DheeraError(`Budget exceeded for ${subject.label}: spent $${round(used)} of its $${round(limit)} budget.${resets}`, {
      status: 429,
      type: "insufficient_quota",
      code: "budget_exceeded",
      ...(resets ? { headers: { "retry-after": retryAfter } } : {}),
    });
  }
  throw new RateLimitError(`Rate limit reached for ${subject.label}: ${LIMIT_TEXT[kind](limit, used)}. Try again in ${retryAfter} s.`, {
    code: "rate_limit_exceeded",
    headers: { "retry-after": retryAfter },
  });
}

const LIMIT_TEXT: Record<Exclude<LimitKind, "budget">, (limit: number, used: number) => string> = {
  rpm: (limit) => `${limit} requests per minute (rpm_limit)`,
  tpm: (limit, used) => `${used} of ${limit} tokens per minute used (tpm_limit)`,
  max_parallel: (limit) => `${limit} requests in flight at once (max_parallel_requests)`,
};

const round = (usd: number) => Number(usd.toPrecision(6));
