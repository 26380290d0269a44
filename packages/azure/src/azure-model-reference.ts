import { InvalidRequestError } from "@dheera/core";

/** What the part after `azure/` means. */
export interface AzureModel {
  /** The Azure deployment name, sent upstream as body `model` (or in the classic chat path). */
  deployment: string;
  /** `azure/responses/<dep>`: serve chat requests for it through the Responses API. */
  chatViaResponses: boolean;
}

export function parseAzureModel(model: string): AzureModel {
  const viaResponses = model.startsWith("responses/");
  const deployment = viaResponses ? model.slice("responses/".length) : model;
  if (deployment === "" || deployment.includes("/")) {
    throw new InvalidRequestError(
      `Invalid Azure model "azure/${model}". Use azure/<deployment> or azure/responses/<deployment>.`,
      { param: "model", code: "invalid_model", provider: "azure" },
    );
  }
  return { deployment, chatViaResponses: viaResponses };
}
