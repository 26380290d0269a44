import { createHash, randomBytes } from "node:crypto";

/**
 * A virtual key's secret: `sk-` and 32 URL-safe characters (192 random bits). Only its SHA-256
 * is stored (`token`); the key itself is shown once, in the answer that created it.
 */
export function newKeySecret(): string {
  return `sk-${randomBytes(24).toString("base64url")}`;
}

/** What the database keeps of a key: its SHA-256, hex. */
export function tokenOf(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** `sk-...AbCd`: enough to recognise a key in a list without being it (LiteLLM's key_name). */
export function keyNameOf(key: string): string {
  return `${key.slice(0, 3)}...${key.slice(-4)}`;
}

/** A key as an admin may name it in a request: the key itself, or its token (64 hex characters). */
export function tokenOfReference(reference: string): string {
  return /^[0-9a-f]{64}$/.test(reference) ? reference : tokenOf(reference);
}
