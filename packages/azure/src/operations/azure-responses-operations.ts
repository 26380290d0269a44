import {
  WireStream,
  deletedResponseSchema,
  inputItemListSchema,
  responseObjectSchema,
  type ResponseStreamEvent,
  type ResponsesOperations,
} from "@dheera/core";
import type { AzureUrls } from "../config/azure-url.js";
import type { AzureClient } from "./azure-client.js";

/** The Responses API on Azure: the request flows through untouched but for `model` = deployment. */
export function azureResponsesOperations(client: AzureClient, urls: AzureUrls, deployment: string): ResponsesOperations {
  return {
    create: (request, options) =>
      client.json("POST", urls.responses, { ...request, model: deployment, stream: false }, responseObjectSchema, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(urls.responses, { ...request, model: deployment, stream: true }, options);
      return { ...meta, stream: WireStream.fromSse<ResponseStreamEvent>(response.body, abort) };
    },

    retrieve: (id, query, options) =>
      client.json("GET", urls.responseById(id, query), undefined, responseObjectSchema, options),

    delete: (id, options) => client.json("DELETE", urls.responseById(id), undefined, deletedResponseSchema, options),

    cancel: (id, options) => client.json("POST", urls.cancel(id), undefined, responseObjectSchema, options),

    listInputItems: (id, query, options) =>
      client.json("GET", urls.inputItems(id, query), undefined, inputItemListSchema, options),
  };
}
