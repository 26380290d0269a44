import {
  InvalidRequestError,
  StreamAccounting,
  UnsupportedOperationError,
  responsesSseFraming,
  type CallOptions,
  type ChatCompletionChunk,
  type ChatOperations,
  type ResponsesCreateRequest,
  type ResponsesOperations,
} from "@dheera/core";
import { chatChunksToResponsesStep } from "../transform/chat-chunks-to-responses-stream.js";
import type { ResponsesEchoContext } from "../transform/response-object-builder.js";
import { responsesOverChat } from "../transform/responses-over-chat.js";
import { accountedStep, bridgeContext, droppedOf } from "./bridge-context.js";

/**
 * The Responses API served from a deployment that speaks only Chat Completions (vLLM, Ollama,
 * most local servers, chat-only models on Azure AI Foundry): the mirror of `chatViaResponses`.
 * A provider package writes `responses: responsesViaChat(chatOperations, context.warn)`.
 *
 * - `create` sends the request down as a chat completion (`stream: false`) and answers a Response
 *   object that echoes the request (instructions, tools, tool_choice, text format, metadata, ...),
 *   with reasoning (`reasoning_content`), message and one function_call item per tool call.
 * - `stream` turns the chat chunks into Responses events in OpenAI's exact order (created,
 *   in_progress, per item added / part added / deltas / done, then response.completed or
 *   response.incomplete with the full output and usage). `stream_options.include_usage` is forced
 *   on upstream, so the terminal event has usage whatever the client asked, and the result's
 *   `accounting` is filled as the events are built: hosts read it instead of parsing again.
 * - Failures follow the bridges' one rule: a failed generation never ends in response.completed.
 *   An upstream error chunk, or a chat stream that stops before its finish_reason, ends the event
 *   stream with a thrown `DheeraError` (the upstream's message and code; 502
 *   `upstream_stream_truncated`), which the host turns into the format's terminal `error` event
 *   (the proxy) or throws to the caller (the SDK); an error chunk is `accounting.failure` too.
 *
 * State: a chat upstream keeps none, so neither does this, and it never pretends to.
 * - `previous_response_id`, `conversation`, `background: true` and a stored `prompt` are refused
 *   with 400 `unsupported_parameter` naming the parameter (dropped and listed in `droppedParams`
 *   under `drop_params`): silently answering without the earlier turns would be a wrong answer.
 * - `store` is not refused (true is the Responses API's default, and many clients send it), but it
 *   is not honoured either: every Response says `store: false`, `store: true` is warned about once,
 *   and `store` is not forwarded (Chat's `store` files the completion somewhere else entirely).
 * - `retrieve`, `delete`, `cancel` and `listInputItems` answer 404 `response_not_found`
 *   (an `UnsupportedOperationError`) saying the deployment stores no responses, never a made-up
 *   object. Ids are the upstream's chat completion ids turned into `resp_...` ones.
 *
 * @param chat the deployment's Chat Completions operations.
 * @param warn the host's warn, told what the transform could not carry (a dropped built-in tool, ...).
 */
export function responsesViaChat(chat: ChatOperations, warn?: (message: string) => void): ResponsesOperations {
  let warnedStore = false;
  const prepare = (request: ResponsesCreateRequest, options: CallOptions | undefined, dropped: string[]) => {
    const { store, ...unstored } = request;
    if (store === true && !warnedStore) {
      warnedStore = true;
      warn?.(STORE_WARNING);
    }
    const ctx: ResponsesEchoContext = { ...bridgeContext(request.model, options, dropped, warn), request: unstored };
    return { ctx, down: responsesOverChat.request(withoutState(unstored, options, dropped), ctx) };
  };
  const stateless = (what: string) => () =>
    Promise.reject(
      new UnsupportedOperationError(`This deployment serves the Responses API through Chat Completions and stores no responses, so it cannot ${what}.`, {
        status: 404,
        code: "response_not_found",
      }),
    );

  return {
    async create(request, options) {
      const dropped: string[] = [];
      const { ctx, down } = prepare(request, options, dropped);
      const result = await chat.create({ ...down, stream: false }, options);
      return Object.assign({}, result, { body: responsesOverChat.response(result.body, ctx) }, droppedOf(dropped));
    },

    async stream(request, options) {
      const dropped: string[] = [];
      const { ctx, down } = prepare(request, options, dropped);
      // Usage is asked for upstream whatever the client said: the Response carries it, and the
      // host prices the call from it.
      const upstream = await chat.stream({ ...down, stream: true, stream_options: { ...down.stream_options, include_usage: true } }, options);
      // Accounted here, once, as the events are built, so the host does not parse them again.
      const accounting = new StreamAccounting("responses");
      const step = accountedStep(chatChunksToResponsesStep(ctx), accounting, (chunk) => accounting.observe(failureOnly(chunk)));
      // Object.assign: members added after a spread take a slow path on Node 20's V8 (~1.5 us).
      return Object.assign({}, upstream, { stream: upstream.stream.through(step, responsesSseFraming), usage: () => accounting.usage, accounting }, droppedOf(dropped));
    },

    retrieve: stateless("retrieve one"),
    retrieveStream: stateless("replay one"),
    delete: stateless("delete one"),
    cancel: stateless("cancel one"),
    listInputItems: stateless("list a response's input items"),
  };
}

const STORE_WARNING =
  "store: true is not honoured: this deployment serves the Responses API through Chat Completions and stores no responses, so they cannot be retrieved later.";

/**
 * An upstream chat chunk as the Responses accounting should see it: only an in-band error (which
 * the step throws, so no Responses event will carry it) becomes an `error` event.
 */
function failureOnly(chunk: ChatCompletionChunk): unknown {
  const error = (chunk as { error?: unknown }).error;
  if (error === undefined || error === null) return undefined;
  return { type: "error", error: typeof error === "object" ? error : { message: String(error) } };
}

/** Parameters that name server-side state, which a chat upstream does not have. */
const STATEFUL: Record<string, (value: unknown) => boolean> = {
  previous_response_id: (v) => v !== undefined && v !== null,
  conversation: (v) => v !== undefined && v !== null,
  prompt: (v) => v !== undefined && v !== null,
  background: (v) => v === true,
};

function withoutState(request: ResponsesCreateRequest, options: CallOptions | undefined, dropped: string[]): ResponsesCreateRequest {
  let out: Record<string, unknown> | undefined;
  for (const [key, asks] of Object.entries(STATEFUL)) {
    if (!asks((request as Record<string, unknown>)[key])) continue;
    if (!options?.dropParams) {
      throw new InvalidRequestError(
        `${key} is not supported by this deployment: it serves the Responses API through Chat Completions and keeps no state. Send the whole conversation in input, or set drop_params to drop it.`,
        { param: key, code: "unsupported_parameter" },
      );
    }
    out ??= { ...request };
    delete out[key];
    dropped.push(key);
  }
  return (out ?? request) as ResponsesCreateRequest;
}
