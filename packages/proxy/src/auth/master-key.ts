import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AuthenticationError } from "@dheera/core";
import { keyDigest, sha256 } from "./key-digest.js";

/**
 * Master-key auth. The key's digest is computed once; each request hashes what it presented
 * and compares digests in constant time (equal lengths, so no length leak either). The presented
 * key's digest is shared with the spend identity (api-key-hash.ts): one SHA-256 per request.
 */
export interface Authenticator {
  readonly enabled: boolean;
  /** Throws a 401 AuthenticationError unless the headers carry the master key. */
  check(headers: IncomingHttpHeaders): void;
}

export function createAuthenticator(masterKey: string | undefined): Authenticator {
  if (masterKey === undefined || masterKey === "") return { enabled: false, check() {} };
  const expected = sha256(masterKey);
  return {
    enabled: true,
    check(headers) {
      const presented = presentedKey(headers);
      if (presented === undefined) {
        throw new AuthenticationError(
          "Authentication Error, No api key passed in. Send it as 'Authorization: Bearer <key>' (or an 'api-key' / 'x-api-key' header).",
          { code: "missing_api_key" },
        );
      }
      if (!timingSafeEqual(keyDigest(presented).digest, expected)) {
        // Never echo the presented key: it may be a real key sent to the wrong place.
        throw new AuthenticationError("Authentication Error, Invalid proxy server token passed.", { code: "invalid_api_key" });
      }
    },
  };
}

/** `Authorization: Bearer <key>` first, then `api-key` (as some SDKs send it), then `x-api-key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string" && authorization !== "") {
    const match = /^bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1]!.trim();
  }
  for (const name of ["api-key", "x-api-key"] as const) {
    const value = headers[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}
