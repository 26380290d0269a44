import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AuthenticationError, DheeraError } from "@dheera/core";
import { invalidKey, type Identity, type KeyIdentities } from "../keys/key-identity.js";
import { keyDigest, sha256 } from "./key-digest.js";

/** Which keys a route takes: the master key only (admin routes), or virtual keys too (model routes). */
export type RouteAccess = "admin" | "model";

/**
 * Who a request is. Without a master key the proxy is open (every request is `open`). With one,
 * the master key's digest is computed once; each request hashes what it presented once (the
 * digest is shared with the spend identity, api-key-hash.ts) and compares it in constant time.
 * Any other key is looked up among the virtual keys (a map lookup in the key cache); a virtual
 * key never opens an admin route.
 */
export interface Authenticator {
  readonly enabled: boolean;
  /** The caller's identity, or a 401 (403 for a virtual key on an admin route). Synchronous unless an unknown key makes the key cache look again. */
  identify(headers: IncomingHttpHeaders, access: RouteAccess, now?: number): Identity | Promise<Identity>;
}

const OPEN: Identity = { kind: "open" };
const MASTER: Identity = { kind: "master" };

export function createAuthenticator(masterKey: string | undefined, keys?: () => KeyIdentities | undefined): Authenticator {
  if (masterKey === undefined || masterKey === "") return { enabled: false, identify: () => OPEN };
  const expected = sha256(masterKey);
  return {
    enabled: true,
    identify(headers, access, now = Date.now()) {
      const presented = presentedKey(headers);
      if (presented === undefined) {
        throw new AuthenticationError(
          "Authentication Error, No api key passed in. Send it as 'Authorization: Bearer <key>' (or an 'api-key' / 'x-api-key' header).",
          { code: "missing_api_key" },
        );
      }
      const d = keyDigest(presented);
      if (timingSafeEqual(d.digest, expected)) return MASTER;
      const identities = keys?.();
      if (identities === undefined) invalidKey();
      const token = (d.token ??= d.digest.toString("hex"));
      if (access === "admin") {
        if (!identities.isKnown(token)) invalidKey();
        throw new DheeraError("This route needs the master key; a virtual key can only call models.", { status: 403, type: "permission_error", code: "master_key_required" });
      }
      return identities.resolve(token, now);
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
