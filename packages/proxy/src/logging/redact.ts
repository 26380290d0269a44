/**
 * Removes secrets from what detailed logs show. Two nets: keys whose name says "secret"
 * (api_key, authorization, token, ...) anywhere in a body, and the literal values of the
 * secrets the proxy knows (master key, configured provider keys) anywhere in any string.
 */

const SECRET_KEY = /(^|[_-])(api[_-]?key|key|authorization|token|secret|password|passwd|credential|cookie)s?$/i;
const REDACTED = "[REDACTED]";

export function createRedactor(knownSecrets: readonly string[]): (value: unknown) => unknown {
  // Short values would redact innocent text; real keys are long.
  const secrets = [...new Set(knownSecrets.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length);
  const scrub = (text: string) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return scrub(value);
    if (depth > 32 || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== "" ? REDACTED : walk(v, depth + 1);
    return out;
  };
  return (value) => walk(value, 0);
}

/**
 * Strings in a config that look like secrets, to feed the redactor: values of secret-named keys,
 * and every value of a `headers` map (callbacks' and exporters' headers carry tokens under any name).
 */
export function collectSecrets(value: unknown, out: string[] = [], key = "", inHeaders = false): string[] {
  if (typeof value === "string") {
    if (inHeaders || SECRET_KEY.test(key)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, out, key);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) collectSecrets(v, out, k, key === "headers" && !Array.isArray(value));
  }
  return out;
}
