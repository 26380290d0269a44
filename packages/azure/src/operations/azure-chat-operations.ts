import type { ChatOperations } from "@dheera/core";
import { openAIStyleChatOperations } from "@dheera/core/kit";
import type { AzureUrls } from "../config/azure-url.js";
import type { AzureClient } from "./azure-client.js";

/** Chat Completions on Azure, native: the classic route has the deployment in the path, v1 in the body. */
export function azureChatOperations(client: AzureClient, urls: AzureUrls, deployment: string): ChatOperations {
  return openAIStyleChatOperations(client, { url: urls.chat, model: deployment });
}
