import { DheeraError, UpstreamError } from "@dheera/core";
import { FIRST_RESPONSES_API_VERSION, predatesResponsesApi } from "../config/azure-api-version.js";
import type { AzureUrls } from "../config/azure-url.js";

/**
 * Azure answers a Responses call on a dated api-version older than the Responses API with a bare
 * 404 "Resource not found", which sends users hunting for a wrong URL. Docs written for other
 * tools still show such versions (2023-03-15-preview), so a 404 on that route gets the reason.
 */
export function responsesVersionHint(urls: AzureUrls): ((error: unknown) => never) | undefined {
  const version = urls.apiVersion;
  if (urls.apiRoute !== "classic" || version === undefined || !predatesResponsesApi(version)) return undefined;
  const hint =
    `api_version ${version} predates Azure's Responses API, which needs ${FIRST_RESPONSES_API_VERSION} or later ` +
    `(or "preview" / "v1" for the v1 API)`;
  return (error) => {
    if (!DheeraError.isInstance(error) || error.status !== 404) throw error;
    throw new UpstreamError(`${error.message} (${hint}).`, {
      status: error.status,
      type: error.type,
      code: error.code,
      param: "api_version",
      ...(error.provider ? { provider: error.provider } : {}),
      ...(error.upstreamRequestId ? { upstreamRequestId: error.upstreamRequestId } : {}),
      headers: error.headers,
      upstreamError: error.upstreamError,
      cause: error,
    });
  };
}
