import type { ConfigIssue, ConfigPath } from "./config-error.js";

/** `os.environ/NAME`: the config's way to take a value (usually a secret) from the environment. */
const ENV_REFERENCE = /^os\.environ\/(.*)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces every string `os.environ/NAME` anywhere in the parsed config with the variable's
 * value. A variable that is not set (or is empty) is an issue naming it; values are never
 * echoed, since they are mostly secrets.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  issues: ConfigIssue[],
  path: ConfigPath = [],
): unknown {
  if (typeof value === "string") {
    const match = ENV_REFERENCE.exec(value.trim());
    if (!match) return value;
    const name = match[1]!;
    if (!ENV_NAME.test(name)) {
      issues.push({ path, message: `"os.environ/${name}" does not name a valid environment variable` });
      return value;
    }
    const resolved = env[name];
    if (resolved === undefined || resolved === "") {
      issues.push({ path, message: `environment variable ${name} is not set (referenced as os.environ/${name})` });
      return value;
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveEnvReferences(item, env, issues, [...path, i]));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveEnvReferences(item, env, issues, [...path, key]);
    return out;
  }
  return value;
}
