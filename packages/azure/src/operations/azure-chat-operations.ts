import { WireStream, chatCompletionSchema, type ChatCompletionChunk, type ChatOperations } from "@dheera/core";
import type { AzureUrls } from "../config/azure-url.js";
import type { AzureClient } from "./azure-client.js";

/** Chat Completions on Azure, native: the classic route has the deployment in the path, v1 in the body. */
export function azureChatOperations(client: AzureClient, urls: AzureUrls, deployment: string): ChatOperations {
  return {
    create: (request, options) =>
      client.json("POST", urls.chat, { ...request, model: deployment, stream: false }, chatCompletionSchema, options),

    async stream(request, options) {
      const { response, abort, ...meta } = await client.stream(urls.chat, { ...request, model: deployment, stream: true }, options);
      return { ...meta, stream: WireStream.fromSse<ChatCompletionChunk>(response.body, abort) };
    },
  };
}
