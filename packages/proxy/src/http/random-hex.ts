import { randomFillSync } from "node:crypto";

/**
 * Random hex for ids made per request (request ids, spend row ids): cut from a pool of random
 * bytes refilled 4 KB at a time, the way `crypto.randomUUID()` pools its own entropy, without
 * the UUID's formatting and the dashes taken out again. Not for secrets (key-secret.ts makes those).
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return text;
}
