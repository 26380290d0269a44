/**
 * Removes known secrets (the api key, a bearer token) from text we did not write ourselves.
 * Gateways and misconfigured backends do echo request headers into error pages, and an error
 * message travels to clients and logs, so it is scrubbed before it is parsed or shown.
 */

export const REDACTED = "[REDACTED]";

/** Usable secrets, longest first so a key that contains another secret is replaced whole. */
export function normalizeSecrets(secrets: readonly (string | null | undefined)[] | undefined): string[] {
  const usable = (secrets ?? []).filter((s): s is string => typeof s === "string" && s.length > 0);
  return [...new Set(usable)].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // split/join instead of a RegExp: a key may contain characters RegExp would interpret.
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Redacts every string inside a parsed JSON value. Raw-text redaction can miss a secret that
 * JSON escaped (`\/`, `\u00..`), parsing first and then scrubbing the decoded strings cannot.
 */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redactSecrets(key, secrets)] = redactDeep(item, secrets);
    return out;
  }
  return value;
}
