import { InvalidRequestError, parseWireRequest, type CallType } from "@dheera/core";
import type { z } from "zod";
import { beginCall, type CallRecord } from "./call-record.js";
import { readJsonBody } from "../http/http-io.js";
import type { RequestContext } from "../http/request-context.js";
import type { RouteCall } from "../http/route-table.js";
import type { ProxyServices } from "./services.js";

/**
 * The start both create routes share: open the call record, read the body within the size
 * limit, note model_name and stream flag for the log line even when validation fails next, log
 * the body under --detailed_debug, validate the fields we act on, and take out `drop_params`
 * (LiteLLM's per-request switch: the proxy's, never the upstream's).
 */
export async function readCallRequest<S extends z.ZodType>(
  s: ProxyServices,
  { ctx, req, res, params }: RouteCall,
  type: CallType,
  schema: S,
): Promise<{ call: CallRecord; request: z.output<S>; dropParams: boolean }> {
  const call = beginCall(s, ctx, req.headers, type);
  const body = await readJsonBody(req, res, s.bodyLimitBytes, s.maxJsonDepth);
  // An Azure-shaped route names the model in its path, as Azure names the deployment there.
  if (params.deployment !== undefined && typeof body === "object" && body !== null && !Array.isArray(body)) (body as { model?: unknown }).model = params.deployment;
  return { call, ...acceptCallBody(s, ctx, call, body, schema) };
}

/**
 * A call's body, however it arrived (an HTTP body, a WebSocket frame): note model_name and
 * stream flag for the log line even when validation fails next, log the body under
 * --detailed_debug, validate the fields we act on, and take out `drop_params`.
 */
export function acceptCallBody<S extends z.ZodType>(
  s: ProxyServices,
  ctx: RequestContext,
  call: CallRecord,
  body: unknown,
  schema: S,
): { request: z.output<S>; dropParams: boolean } {
  const model = (body as { model?: unknown } | null)?.model;
  if (typeof model === "string") ctx.log.model_name = call.modelName = model;
  call.stream = (body as { stream?: unknown } | null)?.stream === true;
  if (s.detailedDebug) s.logger.debug({ request_id: ctx.id, request_body: s.redact(body) }, "request body");
  const request = parseWireRequest(schema, body) as z.output<S> & { drop_params?: unknown };
  let dropParams = s.dropParams;
  if (request.drop_params !== undefined) {
    if (typeof request.drop_params !== "boolean") throw new InvalidRequestError("Invalid type for 'drop_params': expected a boolean.", { param: "drop_params", code: "invalid_type" });
    dropParams = request.drop_params;
    delete request.drop_params;
  }
  return { request, dropParams };
}
