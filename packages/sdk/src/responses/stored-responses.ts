import {
  InvalidRequestError,
  rewriteResponseIds,
  type CallOptions,
  type CallType,
  type DeletedResponse,
  type InputItemList,
  type QueryParams,
  type ResponsesOperations,
  type WireMeta,
} from "@dheera/core";
import { SDK_ONLY_KEYS, type SdkCallOptions } from "../call-options.js";
import type { CallLog } from "../logging/call-log.js";
import { finishCall, startCall, type CallContext } from "../logging/run-call.js";
import { directRoute, retryingRoute, type CallRoute } from "../pipeline/call-route.js";
import { outputText, responsesOps, type DheeraResponse } from "./responses.js";

/**
 * Operations on a stored response. The id alone does not say which provider or deployment holds
 * it, so the caller passes the same `model` and settings used to create it. They are logged like
 * any call, with cost 0: reading, deleting or cancelling a stored response is not billed per token
 * (its tokens were priced when it was created).
 */
export type StoredResponseParams = { response_id: string; model: string } & SdkCallOptions & Record<string, unknown>;

export const QUERY_KEYS = ["after", "before", "limit", "order", "include", "starting_after", "include_obfuscation"] as const;
const LOCAL_KEYS = [...SDK_ONLY_KEYS, "response_id", ...QUERY_KEYS];

/** One stored-response operation: its call type and what it does with the upstream id. */
export interface StoredOperation<T> {
  callType: CallType;
  /** `encode`: a routed call's routable ids, for the ids in the answer; undefined keeps the upstream's. */
  run(
    ops: ResponsesOperations,
    request: { id: string; query: QueryParams; options: CallOptions; encode: ((upstreamId: string) => string) | undefined },
  ): Promise<{ meta: WireMeta; body: T; responseId: string | null }>;
}

const withText = (response: DheeraResponse) => {
  response.output_text = outputText(response);
  return response;
};

/** The four operations, for the plain functions and a router's alike. */
export const STORED_OPERATIONS = {
  retrieveResponse: {
    callType: "responses.retrieve",
    async run(ops, { id, query, options, encode }) {
      const result = await ops.retrieve(id, query, options);
      const body = withText((encode ? rewriteResponseIds(result.body, encode) : result.body) as DheeraResponse);
      return { meta: result, body, responseId: body.id };
    },
  } satisfies StoredOperation<DheeraResponse>,
  deleteResponse: {
    callType: "responses.delete",
    async run(ops, { id, options, encode }) {
      const result = await ops.delete(id, options);
      const body = encode ? { ...result.body, id: encode(result.body.id) } : result.body;
      return { meta: result, body, responseId: body.id };
    },
  } satisfies StoredOperation<DeletedResponse>,
  cancelResponse: {
    callType: "responses.cancel",
    async run(ops, { id, options, encode }) {
      const result = await ops.cancel(id, options);
      const body = withText((encode ? rewriteResponseIds(result.body, encode) : result.body) as DheeraResponse);
      return { meta: result, body, responseId: body.id };
    },
  } satisfies StoredOperation<DheeraResponse>,
  listInputItems: {
    callType: "responses.input_items",
    async run(ops, { id, query, options, encode }) {
      // Items keep their own ids; only the log names the response, as the caller knows it.
      const result = await ops.listInputItems(id, query, options);
      return { meta: result, body: result.body, responseId: encode ? encode(id) : id };
    },
  } satisfies StoredOperation<InputItemList>,
};

/** The list parameters a caller passed, as the upstream's query. */
export function storedQuery(params: Record<string, unknown>): QueryParams {
  const query: QueryParams = {};
  for (const key of QUERY_KEYS) {
    const value = params[key];
    if (value !== undefined) query[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return query;
}

export function checkResponseId(id: unknown): string {
  if (typeof id !== "string" || id === "") {
    throw new InvalidRequestError("Missing required parameter: 'response_id'.", { param: "response_id", code: "missing_required_parameter" });
  }
  return id;
}

/** Runs a stored-response operation on a route; the ids in the answer are the route's. */
export async function runStored<T extends object>(
  log: CallLog,
  route: CallRoute,
  operation: StoredOperation<T>,
  request: { id: string; query: QueryParams },
): Promise<T> {
  const { meta, body, responseId } = await route.run(log, { operation: "responses", stream: false }, (target) =>
    operation.run(responsesOps(target.deployment), { ...request, options: target.options, encode: target.encodeId }),
  );
  return finishCall(log, meta, body, { usage: null, responseId });
}

export function createStoredResponses(context: CallContext) {
  function stored<T extends object>(operation: StoredOperation<T>) {
    return async (params: StoredResponseParams): Promise<T> => {
      const { log, options } = startCall(context, params, operation.callType, false);
      try {
        const id = checkResponseId(params.response_id);
        const { deployment } = await context.resolve(params, options, LOCAL_KEYS);
        log.resolved(deployment);
        // Pinned: a 404 means the response is gone, not that the deployment is wrong.
        const route = options.numRetries > 0 ? retryingRoute(deployment, params.model, options.numRetries, params.signal, true) : directRoute(deployment, params.signal);
        return await runStored(log, route, operation, { id, query: storedQuery(params) });
      } catch (error) {
        log.finish({ usage: null, responseId: null, error });
        throw error;
      }
    };
  }
  return {
    retrieveResponse: stored(STORED_OPERATIONS.retrieveResponse),
    deleteResponse: stored(STORED_OPERATIONS.deleteResponse),
    cancelResponse: stored(STORED_OPERATIONS.cancelResponse),
    listInputItems: stored(STORED_OPERATIONS.listInputItems),
  };
}
