import type { ResponsesOperations } from "@dheera/core";
import { openAIStyleResponsesOperations } from "@dheera/core/kit";
import type { AzureUrls } from "../config/azure-url.js";
import type { AzureClient } from "./azure-client.js";
import { responsesVersionHint } from "./responses-version-hint.js";

/** The Responses API on Azure: the request flows through untouched but for `model` = deployment. */
export function azureResponsesOperations(client: AzureClient, urls: AzureUrls, deployment: string): ResponsesOperations {
  const hint = responsesVersionHint(urls);
  const ops = openAIStyleResponsesOperations(client, { urls, model: deployment });
  return hint ? withHint(ops, hint) : ops;
}

function withHint(ops: ResponsesOperations, hint: (error: unknown) => never): ResponsesOperations {
  return {
    create: (...a) => ops.create(...a).catch(hint),
    createRaw: (...a) => ops.createRaw!(...a).catch(hint),
    stream: (...a) => ops.stream(...a).catch(hint),
    retrieve: (...a) => ops.retrieve(...a).catch(hint),
    retrieveStream: (...a) => ops.retrieveStream!(...a).catch(hint),
    delete: (...a) => ops.delete(...a).catch(hint),
    cancel: (...a) => ops.cancel(...a).catch(hint),
    listInputItems: (...a) => ops.listInputItems(...a).catch(hint),
    ...(ops.inputTokens ? { inputTokens: (...a: Parameters<NonNullable<ResponsesOperations["inputTokens"]>>) => ops.inputTokens!(...a).catch(hint) } : {}),
    ...(ops.compact ? { compact: (...a: Parameters<NonNullable<ResponsesOperations["compact"]>>) => ops.compact!(...a).catch(hint) } : {}),
  };
}
