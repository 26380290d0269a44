import {
  InvalidRequestError,
  StreamAccounting,
  UnsupportedOperationError,
  responsesSseFraming,
  type CallOptions,
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
 * `create` and `stream` transform the request down and the answer back up, in OpenAI's exact
 * event order, with tools, parallel calls and reasoning (`reasoning_content`) carried across.
 *
 * A chat upstream keeps no state, so neither does this: what needs a stored response
 * (`previous_response_id`, `conversation`, `background`, a stored `prompt`) is refused with 400
 * `unsupported_parameter` (dropped and named under `drop_params`), and `retrieve`, `delete`,
 * `cancel` and `listInputItems` answer 404 saying so, never a made-up object. Ids are the
 * upstream's chat completion ids turned into `resp_...` ones.
 */
export function responsesViaChat(chat: ChatOperations, warn?: (message: string) => void): ResponsesOperations {
  const prepare = (request: ResponsesCreateRequest, options: CallOptions | undefined, dropped: string[]) => {
    const ctx: ResponsesEchoContext = { ...bridgeContext(request.model, options, dropped, warn), request };
    return { ctx, down: responsesOverChat.request(withoutState(request, options, dropped), ctx) };
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
      return { ...result, body: responsesOverChat.response(result.body, ctx), ...droppedOf(dropped) };
    },

    async stream(request, options) {
      const dropped: string[] = [];
      const { ctx, down } = prepare(request, options, dropped);
      // Usage is asked for upstream whatever the client said: the Response carries it, and the
      // host prices the call from it.
      const upstream = await chat.stream({ ...down, stream: true, stream_options: { ...down.stream_options, include_usage: true } }, options);
      // Accounted here, once, as the events are built, so the host does not parse them again.
      const accounting = new StreamAccounting("responses");
      const step = accountedStep(chatChunksToResponsesStep(ctx), accounting);
      return {
        ...upstream,
        stream: upstream.stream.through(step, responsesSseFraming),
        usage: () => accounting.usage,
        accounting,
        ...droppedOf(dropped),
      };
    },

    retrieve: stateless("retrieve one"),
    delete: stateless("delete one"),
    cancel: stateless("cancel one"),
    listInputItems: stateless("list a response's input items"),
  };
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
