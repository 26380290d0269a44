import { InvalidRequestError, type CallType, type DeletedResponse, type InputItemList, type QueryParams, type WireMeta } from "@dheera/core";
import { SDK_ONLY_KEYS, type SdkCallOptions } from "../call-options.js";
import { finishCall, startCall, type CallContext } from "../logging/run-call.js";
import { outputText, responsesOps, type DheeraResponse } from "./responses.js";

/**
 * Operations on a stored response. The id alone does not say which provider or deployment holds
 * it, so the caller passes the same `model` and settings used to create it. They are logged like
 * any call, with cost 0: reading, deleting or cancelling a stored response is not billed per token
 * (its tokens were priced when it was created).
 */
export type StoredResponseParams = { response_id: string; model: string } & SdkCallOptions & Record<string, unknown>;

const QUERY_KEYS = ["after", "before", "limit", "order", "include", "starting_after", "include_obfuscation"] as const;
const LOCAL_KEYS = [...SDK_ONLY_KEYS, "response_id", ...QUERY_KEYS];

export function createStoredResponses(context: CallContext) {
  async function run<T extends object>(
    params: StoredResponseParams,
    callType: CallType,
    operation: (prepared: Prepared) => Promise<{ meta: WireMeta; body: T; responseId: string | null }>,
  ): Promise<T> {
    const { log, options } = startCall(context, params, callType, false);
    try {
      if (typeof params.response_id !== "string" || params.response_id === "") {
        throw new InvalidRequestError("Missing required parameter: 'response_id'.", { param: "response_id", code: "missing_required_parameter" });
      }
      const { deployment } = await context.resolve(params, options, LOCAL_KEYS);
      log.resolved(deployment);
      const query: QueryParams = {};
      for (const key of QUERY_KEYS) {
        const value = params[key];
        if (value !== undefined) query[key] = Array.isArray(value) ? value.map(String) : String(value);
      }
      const prepared: Prepared = { ops: responsesOps(deployment), query, id: params.response_id, options: params.signal ? { signal: params.signal } : {} };
      const { meta, body, responseId } = await operation(prepared);
      return finishCall(log, meta, body, { usage: null, responseId });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }

  const withText = (response: DheeraResponse) => {
    response.output_text = outputText(response);
    return response;
  };

  return {
    retrieveResponse: (params: StoredResponseParams): Promise<DheeraResponse> =>
      run(params, "responses.retrieve", async ({ ops, id, query, options }) => {
        const result = await ops.retrieve(id, query, options);
        return { meta: result, body: withText(result.body as DheeraResponse), responseId: result.body.id };
      }),
    deleteResponse: (params: StoredResponseParams): Promise<DeletedResponse> =>
      run(params, "responses.delete", async ({ ops, id, options }) => {
        const result = await ops.delete(id, options);
        return { meta: result, body: result.body, responseId: result.body.id };
      }),
    cancelResponse: (params: StoredResponseParams): Promise<DheeraResponse> =>
      run(params, "responses.cancel", async ({ ops, id, options }) => {
        const result = await ops.cancel(id, options);
        return { meta: result, body: withText(result.body as DheeraResponse), responseId: result.body.id };
      }),
    listInputItems: (params: StoredResponseParams): Promise<InputItemList> =>
      run(params, "responses.input_items", async ({ ops, id, query, options }) => {
        const result = await ops.listInputItems(id, query, options);
        return { meta: result, body: result.body, responseId: id };
      }),
  };
}

interface Prepared {
  ops: ReturnType<typeof responsesOps>;
  query: QueryParams;
  id: string;
  options: { signal?: AbortSignal };
}
