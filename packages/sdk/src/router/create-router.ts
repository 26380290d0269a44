import {
  NotFoundError,
  Router,
  chatCompletionRequestSchema,
  parseWireRequest,
  responsesCreateRequestSchema,
  wantsEncryptedReasoning,
  type ChatCompletion,
  pinToState,
} from "@dheera/core";
import { SDK_ONLY_KEYS, type SdkCallOptions } from "../call-options.js";
import { runCompletion, type ChatCompletionStream } from "../completion/completion.js";
import { startCall, type CallContext } from "../logging/run-call.js";
import { routerRoute } from "../pipeline/call-route.js";
import type { ResponseStream } from "../responses/response-stream.js";
import { runResponses, type DheeraResponse, type StreamEvent } from "../responses/responses.js";
import { QUERY_KEYS, STORED_OPERATIONS, checkResponseId, runStored, storedQuery, type StoredOperation } from "../responses/stored-responses.js";
import { resolveRouterConfig, type CreateRouterOptions, type RouterEnvironment } from "./router-config.js";
import { routedBody } from "./router-params.js";

/** The SDK options a router call takes: its deployments' settings, retries and prices come from the config. */
export type RouterCallOptions = Omit<SdkCallOptions, "num_retries" | "model_info">;

/** `router.responses()`: `model` is a model_name of the router's model_list. */
export type RouterResponsesParams = { model: string; stream?: boolean | null } & RouterCallOptions & Record<string, unknown>;
/** `router.completion()`: `model` is a model_name of the router's model_list. */
export type RouterCompletionParams = { model: string; messages: unknown[]; stream?: boolean | null } & RouterCallOptions & Record<string, unknown>;
/** The router's stored-response functions: the id says which deployment holds the response. */
export type RouterStoredResponseParams = { response_id: string } & RouterCallOptions & Record<string, unknown>;

export interface RouterContext extends RouterEnvironment {
  /** The instance's call pipeline: its callbacks. */
  calls: CallContext;
}

const STORED_LOCAL_KEYS = [...SDK_ONLY_KEYS, "response_id", "model", ...QUERY_KEYS];

/**
 * `createRouter({ model_list, router_settings })`: LiteLLM's `Router(model_list=...)` for the SDK.
 * Validates and resolves the config once (providers from the instance's registry), then runs every
 * call through core's Router, as the proxy does: the same strategies, retries, cooldowns and
 * fallbacks, and the same routable response ids, so a follow-up or a stored-response call reaches
 * the deployment that holds the response.
 */
export async function createRouter(context: RouterContext, options: CreateRouterOptions) {
  const { deployments, settings, settingKeys } = await resolveRouterConfig(options, context);
  const router = new Router(deployments, settings);
  const { calls } = context;

  function responses(params: RouterResponsesParams & { stream: true }): Promise<ResponseStream<StreamEvent>>;
  function responses(params: RouterResponsesParams & { stream?: false | null }): Promise<DheeraResponse>;
  function responses(params: RouterResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>>;
  async function responses(params: RouterResponsesParams): Promise<DheeraResponse | ResponseStream<StreamEvent>> {
    const stream = params.stream === true;
    const { log } = startCall(calls, params, "responses", stream);
    try {
      const request = parseWireRequest(responsesCreateRequestSchema, routedBody(params, settingKeys));
      const { pinned } = pinToState(router, request);
      // Marked only where another deployment could get the replay.
      const markEncryptedContent = wantsEncryptedReasoning(request.include) && router.group(request.model).length > 1;
      const route = routerRoute(router, request.model, params.signal, { routableIds: true });
      return await runResponses(log, route, request, { stream, signal: params.signal, pinned, markEncryptedContent });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }

  function completion(params: RouterCompletionParams & { stream: true }): Promise<ChatCompletionStream>;
  function completion(params: RouterCompletionParams & { stream?: false | null }): Promise<ChatCompletion>;
  function completion(params: RouterCompletionParams): Promise<ChatCompletion | ChatCompletionStream>;
  async function completion(params: RouterCompletionParams): Promise<ChatCompletion | ChatCompletionStream> {
    const stream = params.stream === true;
    const { log } = startCall(calls, params, "chat", stream);
    try {
      const request = parseWireRequest(chatCompletionRequestSchema, routedBody(params, settingKeys));
      const route = routerRoute(router, request.model, params.signal, { routableIds: false });
      return await runCompletion(log, route, request, { stream, signal: params.signal, dropParams: params.drop_params === true });
    } catch (error) {
      log.finish({ usage: null, responseId: null, error });
      throw error;
    }
  }

  /** The id names the deployment: the call is pinned there (retried there, never moved). */
  function stored<T extends object>(operation: StoredOperation<T>) {
    return async (params: RouterStoredResponseParams): Promise<T> => {
      const decoded = typeof params.response_id === "string" ? router.decodeResponseId(params.response_id) : undefined;
      const { log } = startCall(calls, params, operation.callType, false, decoded?.target.modelName ?? "");
      try {
        const id = checkResponseId(params.response_id);
        routedBody(params, settingKeys, STORED_LOCAL_KEYS);
        if (!decoded || !decoded.target.deployment.responses) {
          throw new NotFoundError(`Response with id '${id}' not found: it was not created through this router.`, { param: "response_id", code: "response_not_found" });
        }
        const route = routerRoute(router, decoded.target.modelName, params.signal, { routableIds: true, pinned: decoded.target });
        return await runStored(log, route, operation, { id: decoded.upstreamId, query: storedQuery(params) });
      } catch (error) {
        log.finish({ usage: null, responseId: null, error });
        throw error;
      }
    };
  }

  return {
    /** The model_names this router serves, in model_list order. */
    modelNames: router.modelNames,
    /** Creates a model response on a deployment of `model` (a model_name); `stream: true` returns an async iterable of events. */
    responses,
    /** Creates a chat completion on a deployment of `model` (a model_name); `stream: true` returns an async iterable of chunks. */
    completion,
    /** Retrieves a response this router created, from the deployment that holds it. */
    retrieveResponse: stored(STORED_OPERATIONS.retrieveResponse),
    deleteResponse: stored(STORED_OPERATIONS.deleteResponse),
    cancelResponse: stored(STORED_OPERATIONS.cancelResponse),
    listInputItems: stored(STORED_OPERATIONS.listInputItems),
  };
}

export type DheeraRouter = Awaited<ReturnType<typeof createRouter>>;
