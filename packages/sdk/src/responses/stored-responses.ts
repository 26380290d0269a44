import { InvalidRequestError, type DeletedResponse, type InputItemList, type QueryParams } from "@dheera/core";
import { attachMetadata } from "../call-metadata.js";
import type { DeploymentResolver } from "../deployment-resolver.js";
import { SDK_ONLY_KEYS, metadataOf, outputText, responsesOps, type DheeraResponse, type SdkCallOptions } from "./responses.js";

/**
 * Operations on a stored response. The id alone does not say which provider or deployment holds
 * it, so the caller passes the same `model` and settings used to create it.
 */
export type StoredResponseParams = { response_id: string; model: string } & SdkCallOptions & Record<string, unknown>;

const QUERY_KEYS = ["after", "before", "limit", "order", "include", "starting_after", "include_obfuscation"] as const;
const LOCAL_KEYS = [...SDK_ONLY_KEYS, "response_id", ...QUERY_KEYS];

export function createStoredResponses(resolve: DeploymentResolver) {
  async function prepare(params: StoredResponseParams) {
    if (typeof params.response_id !== "string" || params.response_id === "") {
      throw new InvalidRequestError("Missing required parameter: 'response_id'.", { param: "response_id", code: "missing_required_parameter" });
    }
    const started = performance.now();
    const { deployment } = await resolve(params, LOCAL_KEYS);
    const query: QueryParams = {};
    for (const key of QUERY_KEYS) {
      const value = params[key];
      if (value !== undefined) query[key] = Array.isArray(value) ? value.map(String) : String(value);
    }
    return { deployment, ops: responsesOps(deployment), query, started, options: params.signal ? { signal: params.signal } : {} };
  }

  return {
    async retrieveResponse(params: StoredResponseParams): Promise<DheeraResponse> {
      const { deployment, ops, query, started, options } = await prepare(params);
      const result = await ops.retrieve(params.response_id, query, options);
      const response = result.body as DheeraResponse;
      response.output_text = outputText(response);
      return attachMetadata(response, metadataOf(deployment, result, started));
    },
    async deleteResponse(params: StoredResponseParams): Promise<DeletedResponse> {
      const { deployment, ops, started, options } = await prepare(params);
      const result = await ops.delete(params.response_id, options);
      return attachMetadata(result.body, metadataOf(deployment, result, started));
    },
    async cancelResponse(params: StoredResponseParams): Promise<DheeraResponse> {
      const { deployment, ops, started, options } = await prepare(params);
      const result = await ops.cancel(params.response_id, options);
      const response = result.body as DheeraResponse;
      response.output_text = outputText(response);
      return attachMetadata(response, metadataOf(deployment, result, started));
    },
    async listInputItems(params: StoredResponseParams): Promise<InputItemList> {
      const { deployment, ops, query, started, options } = await prepare(params);
      const result = await ops.listInputItems(params.response_id, query, options);
      return attachMetadata(result.body, metadataOf(deployment, result, started));
    },
  };
}
