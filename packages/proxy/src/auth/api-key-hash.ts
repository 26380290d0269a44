import type { IncomingHttpHeaders } from "node:http";
import { keyDigest } from "./key-digest.js";
import { presentedKey } from "./authenticator.js";

/** Hex characters of the SHA-256 kept: 64 bits tell keys apart without being the key. */
const HASH_CHARS = 16;

/**
 * The identity of the key a client presented, for spend rows and logging payloads: a prefix of
 * its SHA-256, never the key. Null when the client sent no key (no master key configured). The
 * digest is the one auth computed for this request (key-digest.ts), not a second hash.
 */
export function apiKeyHash(headers: IncomingHttpHeaders): string | null {
  const key = presentedKey(headers);
  if (key === undefined) return null;
  const d = keyDigest(key);
  return (d.hex ??= d.digest.subarray(0, HASH_CHARS / 2).toString("hex"));
}
