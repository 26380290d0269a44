import { FIRST_RESPONSES_API_VERSION, predatesResponsesApi } from "./azure-api-version.js";
import type { AzureUrls } from "./azure-url.js";
import { warnOnce } from "@dheera/core/kit";

/**
 * Said when the deployment is resolved (at a proxy's start-up), not on the first 404: a dated
 * api_version older than Azure's Responses API (docs for other tools still show
 * 2023-03-15-preview) makes every Responses call a bare 404 "Resource not found". Chat on the
 * same version works, so a plain deployment is warned and still served.
 */
export function warnOldResponsesVersion(input: {
  deployment: string;
  apiBase: string;
  urls: AzureUrls;
  /** `azure/responses/<dep>`: every call goes through the Responses API. */
  bridged: boolean;
  warn?: ((message: string) => void) | undefined;
}): void {
  const version = input.urls.apiVersion;
  if (input.urls.apiRoute !== "classic" || version === undefined || !predatesResponsesApi(version)) return;
  const what = input.bridged ? "every call to it goes through the Responses API and will fail" : "its Responses API calls (/responses) will fail; chat completions work";
  warnOnce(
    input,
    "old-responses-version",
    `Azure deployment "${input.deployment}" uses api_version ${version}, older than Azure's Responses API: ${what} with 404 Resource not found. Use api_version ${FIRST_RESPONSES_API_VERSION} or later, or "v1" (Azure's v1 API).`,
  );
}
