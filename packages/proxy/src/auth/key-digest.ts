import { createHash } from "node:crypto";

/** The SHA-256 of a presented key, and the spend identity derived from it. */
export interface KeyDigest {
  readonly digest: Buffer;
  /** Hex prefix of the digest (see api-key-hash.ts), computed on first use. */
  hex?: string;
  /** The whole digest in hex: a virtual key's `token`, computed on first use. */
  token?: string;
}

/** Clients reuse a few keys: the last ones' digests are kept (cleared whole when full). */
const CACHE_SIZE = 256;
const cache = new Map<string, KeyDigest>();

export const sha256 = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * The digest of `key`: hashed once per recent key, so auth and the spend identity of a request
 * (and every later request with the same key) share one hash. No per-request table: a WeakMap
 * entry per request costs the garbage collector more than the lookup saves.
 */
export function keyDigest(key: string): KeyDigest {
  let digest = cache.get(key);
  if (digest === undefined) {
    if (cache.size >= CACHE_SIZE) cache.clear();
    digest = { digest: sha256(key) };
    cache.set(key, digest);
  }
  return digest;
}
