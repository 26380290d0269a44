import { ConfigurationError } from "@dheera/core";

/**
 * Azure OpenAI has two api-version families and they live on different URL surfaces:
 * dated versions (`2024-10-21`, `2025-04-01-preview`) address the classic `/openai/...` data
 * plane, the v1 family (`v1`, `preview`, `latest`) addresses `/openai/v1/...`. Everything that
 * builds URLs needs to know which family a value belongs to, so the decision lives here once.
 */

/** The v1-family values, canonical (lower-case) spelling. */
export const V1_API_VERSIONS = ["v1", "preview", "latest"] as const;
export type V1ApiVersion = (typeof V1_API_VERSIONS)[number];

export type ApiVersionKind = "dated" | "v1";

export interface ClassifiedApiVersion {
  kind: ApiVersionKind;
  /** The value to send: trimmed, and lower-cased where Azure only knows the lower-case form. */
  version: string;
}

// Month and day ranges are checked so a typo like 2025-13-01 fails here, with our message,
// instead of as Azure's opaque 404 "Resource not found".
const DATED = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/i;

export function isV1ApiVersion(value: string): boolean {
  return (V1_API_VERSIONS as readonly string[]).includes(value.trim().toLowerCase());
}

export function isDatedApiVersion(value: string): boolean {
  return DATED.test(value.trim());
}

/**
 * Tells the family of an api-version and returns its canonical spelling.
 * Throws ConfigurationError for anything else: an unknown value would otherwise only surface
 * as a 404 from Azure, far from the setting that caused it.
 */
export function classifyApiVersion(value: string): ClassifiedApiVersion {
  const trimmed = value.trim();
  if (isV1ApiVersion(trimmed)) return { kind: "v1", version: trimmed.toLowerCase() };
  if (isDatedApiVersion(trimmed)) return { kind: "dated", version: trimmed.toLowerCase() };
  // The value is not a secret, so naming it is safe; it is cut short in case it is garbage.
  const shown = JSON.stringify(trimmed.length > 64 ? `${trimmed.slice(0, 64)}…` : trimmed);
  throw new ConfigurationError(
    `Azure api_version ${shown} is not valid. Use a dated version (YYYY-MM-DD or YYYY-MM-DD-preview, ` +
      `e.g. 2024-10-21 or 2025-04-01-preview) or one of v1, preview, latest.`,
    { param: "api_version", provider: "azure" },
  );
}

/** The first dated api-version whose classic surface serves the Responses API. */
export const FIRST_RESPONSES_API_VERSION = "2025-03-01-preview";

/**
 * Whether a dated api-version predates the Responses API, so Azure will answer 404 "Resource
 * not found" on `/openai/responses`. ISO dates compare correctly as strings; `-preview` of the
 * same day counts as that day.
 */
export function predatesResponsesApi(version: string): boolean {
  return isDatedApiVersion(version) && version.slice(0, 10) < FIRST_RESPONSES_API_VERSION.slice(0, 10);
}
