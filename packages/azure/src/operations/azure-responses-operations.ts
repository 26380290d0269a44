import {
  WireStream,
  deletedResponseSchema,
  inputItemListSchema,
  type ResponseStreamEvent,
  type ResponsesOperations,
} from "@dheera/core";
import type { AzureUrls } from "../config/azure-url.js";
import type { AzureClient } from "./azure-client.js";
import { isResponseObject, readResponseSummary } from "./response-shape.js";
import { responsesVersionHint } from "./responses-version-hint.js";

/** The Responses API on Azure: the request flows through untouched but for `model` = deployment. */
export function azureResponsesOperations(client: AzureClient, urls: AzureUrls, deployment: string): ResponsesOperations {
  const hint = responsesVersionHint(urls);
  const ops: ResponsesOperations = {
    create: (request, options) =>
      client.jsonChecked("POST", urls.responses, { ...request, model: deployment, stream: false }, isResponseObject, options),

    createRaw: (request, options) =>
      client.jsonRaw("POST", urls.responses, { ...request, model: deployment, stream: false }, readResponseSummary, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(urls.responses, { ...request, model: deployment, stream: true }, options);
      return { ...meta, stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) };
    },

    retrieve: (id, query, options) =>
      client.jsonChecked("GET", urls.responseById(id, query), undefined, isResponseObject, options),

    delete: (id, options) => client.json("DELETE", urls.responseById(id), undefined, deletedResponseSchema, options),

    cancel: (id, options) => client.jsonChecked("POST", urls.cancel(id), undefined, isResponseObject, options),

    listInputItems: (id, query, options) =>
      client.json("GET", urls.inputItems(id, query), undefined, inputItemListSchema, options),
  };
  return hint ? withHint(ops, hint) : ops;
}

function withHint(ops: ResponsesOperations, hint: (error: unknown) => never): ResponsesOperations {
  return {
    create: (...a) => ops.create(...a).catch(hint),
    createRaw: (...a) => ops.createRaw!(...a).catch(hint),
    stream: (...a) => ops.stream(...a).catch(hint),
    retrieve: (...a) => ops.retrieve(...a).catch(hint),
    delete: (...a) => ops.delete(...a).catch(hint),
    cancel: (...a) => ops.cancel(...a).catch(hint),
    listInputItems: (...a) => ops.listInputItems(...a).catch(hint),
  };
}
