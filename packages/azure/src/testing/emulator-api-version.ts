import { apiVersionNotSupported, resourceNotFound } from "./emulator-errors.js";
import type { EmulatorSurface } from "./emulator-types.js";

/**
 * api-version checks as Azure applies them. Where the reference is silent the emulator picks
 * the answer real users reported, and says so here:
 * - classic route, api-version missing: 404 `Resource not found` (MicrosoftDocs/azure-docs#114602:
 *   Azure answers a missing version with 404, not 400);
 * - classic route, well-formed dated version Azure never shipped (e.g. 2025-09-01): 404
 *   `Resource not found`, as for an unknown route;
 * - classic responses routes with a version older than 2025-03-01-preview: 404 (openai-python#2184);
 * - a value that is not a dated version at all (malformed, `v1`-family on a classic route),
 *   a dated version on a v1 route, or the parameter given twice: 400
 *   `{"error":{"code":"BadRequest","message":"API version not supported"}}` (Azure's body for a
 *   version the surface does not know);
 * - v1 routes: optional; `v1`, `preview`, `latest` (lower case only, as Azure spells them).
 */

/** Dated data-plane inference versions Azure has shipped (GA and preview). */
export const KNOWN_DATED_API_VERSIONS: readonly string[] = [
  "2022-12-01",
  "2023-03-15-preview",
  "2023-05-15",
  "2023-06-01-preview",
  "2023-07-01-preview",
  "2023-08-01-preview",
  "2023-09-01-preview",
  "2023-10-01-preview",
  "2023-12-01-preview",
  "2024-02-01",
  "2024-02-15-preview",
  "2024-03-01-preview",
  "2024-04-01-preview",
  "2024-05-01-preview",
  "2024-06-01",
  "2024-07-01-preview",
  "2024-08-01-preview",
  "2024-09-01-preview",
  "2024-10-01-preview",
  "2024-10-21",
  "2024-12-01-preview",
  "2025-01-01-preview",
  "2025-02-01-preview",
  "2025-03-01-preview",
  "2025-04-01-preview",
];

export const V1_SURFACE_API_VERSIONS: readonly string[] = ["v1", "preview", "latest"];

/** First dated version with the Responses API. */
export const FIRST_RESPONSES_API_VERSION = "2025-03-01-preview";

const DATED = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/;

/**
 * Orders dated versions: by date, and a `-preview` before the GA version of the same date.
 * Returns a negative number when `a` is older than `b`.
 */
export function compareDatedVersions(a: string, b: string): number {
  const date = (v: string) => v.slice(0, 10);
  if (date(a) !== date(b)) return date(a) < date(b) ? -1 : 1;
  const preview = (v: string) => (v.endsWith("-preview") ? 0 : 1);
  return preview(a) - preview(b);
}

export interface ApiVersionCheck {
  surface: EmulatorSurface;
  /** Classic Responses routes need 2025-03-01-preview or later. */
  needsResponses: boolean;
}

/** Returns the effective api-version (`v1` when omitted on the v1 surface) or throws the Azure error. */
export function checkApiVersion(query: URLSearchParams, { surface, needsResponses }: ApiVersionCheck): string {
  const values = query.getAll("api-version");
  if (values.length > 1) throw apiVersionNotSupported();
  const value = values[0];
  if (surface === "v1") {
    if (value === undefined) return "v1";
    if (V1_SURFACE_API_VERSIONS.includes(value)) return value;
    throw apiVersionNotSupported();
  }
  if (value === undefined) throw resourceNotFound();
  if (!DATED.test(value)) throw apiVersionNotSupported();
  if (!KNOWN_DATED_API_VERSIONS.includes(value)) throw resourceNotFound();
  if (needsResponses && compareDatedVersions(value, FIRST_RESPONSES_API_VERSION) < 0) throw resourceNotFound();
  return value;
}

/** True when `version` (dated) is older than `since`; v1-surface versions are never older. */
export function isOlderThan(version: string, since: string): boolean {
  if (!DATED.test(version)) return false;
  return compareDatedVersions(version, since) < 0;
}
