import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { presentedKey } from "./master-key.js";

/** Hex characters of the SHA-256 kept: 64 bits tell keys apart without being the key. */
const HASH_CHARS = 16;

/**
 * The identity of the key a client presented, for spend rows and logging payloads: a prefix of
 * its SHA-256, never the key. Null when the client sent no key (no master key configured).
 */
export function apiKeyHash(headers: IncomingHttpHeaders): string | null {
  const key = presentedKey(headers);
  return key === undefined ? null : createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_CHARS);
}
