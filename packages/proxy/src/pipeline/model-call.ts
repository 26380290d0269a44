import type { Attempt, Operation, RouteResult, RouterTarget } from "@dheera/core";
import { operationName } from "./operation-name.js";
import type { CallRecord } from "./call-record.js";
import { admitCall } from "./call-admission.js";
import { deploymentLabel } from "./deployment-label.js";
import type { RequestContext } from "../http/request-context.js";
import type { ResponseHead } from "../http/response-head.js";
import type { ProxyServices } from "./services.js";
import type { AttemptTrace } from "../observability/tracing.js";
import { explainUpstreamAuthFailure } from "./upstream-auth-error.js";


export interface ModelCallSpec<T> {
  operation: Operation;
  /** The model_name as the client sent it (checked by the router). */
  model: unknown;
  stream: boolean;
  /** The deployment that holds the state this call names (a previous response, a response id). */
  pinned?: RouterTarget | undefined;
  /** One try on `attempt.target`, with `attempt.options` passed to the provider operation. */
  attempt(attempt: Attempt): Promise<T>;
}

/**
 * Every model call of the proxy goes through here: the router chooses, attempts, retries and
 * falls back; this records each attempt on the call record (the spend row and logging payload
 * list them), names the deployment in the log line, and tells the client what happened in the
 * headers of the answer, success or error: `x-dheera-attempts`, `x-dheera-deployment` (the
 * deployment's id) and `x-dheera-fallback-model` when a fallback answered. A virtual key's call
 * is admitted first (its models, rate limits and budget: call-admission.ts).
 */
export async function runModelCall<T>(
  s: ProxyServices,
  { ctx, res }: { ctx: RequestContext; res: ResponseHead },
  call: CallRecord,
  spec: ModelCallSpec<T>,
): Promise<RouteResult<T>> {
  const admitting = admitCall(s, ctx, res, call, spec.model);
  if (admitting) await admitting;
  const allowed = ctx.identity?.kind === "virtual" ? ctx.identity.allowedModels : null;
  const trace = ctx.trace;
  let traced: AttemptTrace | undefined;
  return s.router.run({
    ...(allowed !== null ? { allowFallback: (name: string) => allowed.has(name) } : {}),
    model: spec.model,
    operation: spec.operation,
    stream: spec.stream,
    pinned: spec.pinned,
    signal: ctx.signal,
    attempt: (attempt) => {
      const { target, modelName } = attempt;
      call.target = target;
      ctx.log.deployment = deploymentLabel(target);
      ctx.log.deployment_id = target.id;
      // The chain only moves forward: once a fallback is tried, every later attempt is one too.
      const fallback = call.modelName !== "" && modelName !== call.modelName ? modelName : null;
      call.fallbackModel = fallback;
      if (fallback !== null) ctx.log.fallback_model = fallback;
      if (trace) {
        traced = trace.attempt({ target, modelName, number: attempt.number, operation: operationName(call.type), fallback });
        attempt.options.headers = { ...attempt.options.headers, ...traced.headers };
      }
      if (!res.headersSent) {
        res.setHeader("x-dheera-attempts", attempt.number);
        res.setHeader("x-dheera-deployment", target.id);
        if (fallback !== null) res.setHeader("x-dheera-fallback-model", fallback);
      }
      return spec.attempt(attempt);
    },
    onAttempt: (record) => {
      traced?.end(record, spec.stream);
      traced = undefined;
      call.attempts.push(record);
      if (call.attempts.length > 1) ctx.log.attempts = call.attempts.length;
    },
  }).catch((err: unknown) => {
    throw explainUpstreamAuthFailure(err, call.target);
  });
}
