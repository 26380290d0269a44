import { EmulatorHttpError, invalidAccessToken, invalidSubscriptionKey } from "./emulator-errors.js";
import type { EmulatorSurface } from "./emulator-types.js";

/**
 * Azure's credential check:
 * - `api-key: <key>` works on every route; when present it alone decides (a wrong key is 401
 *   even next to a valid bearer token);
 * - `Authorization: Bearer <Entra token>` works on every route;
 * - `Authorization: Bearer <api key>` works on the v1 surface only (that is what the plain
 *   `OpenAI` client sends). On a classic route Azure takes the bearer value for a token it
 *   cannot validate and answers with its token body `{"statusCode":401,"message":"Unauthorized. Access token is missing, …"}`
 *   (no `error` wrapper, as real users captured it); on v1 an unknown bearer value gets the
 *   subscription-key body;
 * - nothing at all, or another scheme: 401 with the subscription-key body.
 */

export interface AuthConfig {
  apiKeys: readonly string[];
  adTokens: readonly string[];
}

/** Returns the error to answer with, or undefined when the credentials are good. */
export function checkCredentials(headers: Headers, surface: EmulatorSurface, config: AuthConfig): EmulatorHttpError | undefined {
  const apiKey = headers.get("api-key");
  if (apiKey !== null) return config.apiKeys.includes(apiKey) ? undefined : invalidSubscriptionKey();

  const authorization = headers.get("authorization");
  if (authorization === null) return invalidSubscriptionKey();
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!match) return invalidSubscriptionKey();
  const token = match[1] as string;
  if (config.adTokens.includes(token)) return undefined;
  if (surface === "v1") return config.apiKeys.includes(token) ? undefined : invalidSubscriptionKey();
  return invalidAccessToken();
}
