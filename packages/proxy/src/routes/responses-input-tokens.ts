import { DheeraError, responsesCreateRequestSchema, type InputTokenCount, type WireResult } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import { upstreamHeaders } from "../http/upstream-headers.js";
import { withCostHeader } from "../pipeline/call-record.js";
import { countInputTokens } from "../pipeline/count-input-tokens.js";
import { runModelCall } from "../pipeline/model-call.js";
import { readCallRequest } from "../pipeline/read-call-request.js";
import type { ProxyServices } from "../pipeline/services.js";

/** Says how the count was made: `upstream`, or `local; encoding=o200k_base` (an estimate). */
const COUNT_HEADER = "x-dheera-token-count";

/**
 * `POST /v1/responses/input_tokens`: the deployment counts when its provider can; when it
 * cannot (no such operation, or the upstream has no such route: Azure answers 404 on it today),
 * the proxy counts locally with the tokenizer of the model's family and says so in a header.
 * OpenAI's answer either way: `{"object":"response.input_tokens","input_tokens":N}`.
 */
export function responsesInputTokens(s: ProxyServices): RouteHandler {
  return async (route) => {
    const { call, request } = await readCallRequest(s, route, "responses.input_tokens", responsesCreateRequestSchema);
    const { value } = await runModelCall(s, route, call, {
      operation: "responses",
      model: request.model,
      stream: false,
      attempt: async (attempt): Promise<{ result?: WireResult<InputTokenCount>; local?: { input_tokens: number; encoding: string } }> => {
        const ops = attempt.target.deployment.responses;
        if (ops?.inputTokens) {
          try {
            return { result: await ops.inputTokens(request, attempt.options) };
          } catch (err) {
            if (!DheeraError.isInstance(err) || ![404, 405, 501].includes(err.status)) throw err;
          }
        }
        return { local: await countInputTokens(request, attempt.target.deployment.name) };
      },
    });
    if (value.result) {
      sendJson(route.res, 200, value.result.body, withCostHeader(upstreamHeaders(value.result, route.ctx), call).concat(COUNT_HEADER, "upstream"));
      return;
    }
    const local = value.local!;
    sendJson(route.res, 200, { object: "response.input_tokens", input_tokens: local.input_tokens }, withCostHeader([COUNT_HEADER, `local; encoding=${local.encoding}`], call));
  };
}
