import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** The SHA-256 of a presented key, and the spend identity derived from it. */
export interface KeyDigest {
  readonly digest: Buffer;
  /** Hex prefix of the digest (see api-key-hash.ts), computed on first use. */
  hex?: string;
}

/** Clients reuse a few keys: the last ones' digests are kept (cleared whole when full). */
const CACHE_SIZE = 256;
const cache = new Map<string, KeyDigest>();
/** Per request (its headers object): auth and the spend identity share one lookup. */
const perRequest = new WeakMap<IncomingHttpHeaders, { key: string; digest: KeyDigest }>();

export const sha256 = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/** The digest of `key`, the key presented in `headers`: hashed at most once per request (and per recent key). */
export function keyDigest(headers: IncomingHttpHeaders, key: string): KeyDigest {
  const seen = perRequest.get(headers);
  if (seen !== undefined && seen.key === key) return seen.digest;
  let digest = cache.get(key);
  if (digest === undefined) {
    if (cache.size >= CACHE_SIZE) cache.clear();
    digest = { digest: sha256(key) };
    cache.set(key, digest);
  }
  perRequest.set(headers, { key, digest });
  return digest;
}
