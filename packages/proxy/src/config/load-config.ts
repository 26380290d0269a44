import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { proxyConfigSchema, type ProxyConfig } from "./config-schema.js";
import { resolveEnvReferences } from "./env-references.js";
import { noLocator, yamlLocator, type ConfigLocator } from "./yaml-locator.js";
import { configIssuesFromZod, duplicateDeploymentIds, fallbackReferences } from "@dheera/core";

/** A validated config and where it came from, so later checks (provider settings) can point at lines too. */
export interface LoadedConfig {
  config: ProxyConfig;
  /** The path as the user gave it, used in error messages. */
  file: string | undefined;
  locator: ConfigLocator;
}

export type Env = Record<string, string | undefined>;

/** Reads and validates a config file. Throws ConfigError naming file, line and key. */
export async function loadConfigFile(file: string, env: Env = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ConfigError([{ path: [], message: code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? "error"})` }], file);
  }
  return parseConfigText(text, file, env);
}

/** Parses YAML text (JSON is YAML too) into a validated config. */
export function parseConfigText(text: string, file: string | undefined, env: Env = process.env): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): ConfigIssue => {
      const at = lines.linePos(e.pos[0]);
      const message = e.code === "DUPLICATE_KEY" ? duplicateKeyMessage(text, e.pos[0], at) : `invalid YAML: ${e.message.split("\n")[0]}`;
      return { path: [], message, line: at.line };
    });
    throw new ConfigError(issues, file);
  }
  const locator = yamlLocator(doc, lines);
  return validateConfig(doc.toJS() ?? {}, file, env, locator);
}

/** Validates a config given as an object (in-process use); env references are resolved here too. */
export function validateConfig(raw: unknown, file: string | undefined, env: Env = process.env, locator: ConfigLocator = noLocator): LoadedConfig {
  const issues: ConfigIssue[] = [];
  const resolved = resolveEnvReferences(raw, env, issues);
  const parsed = proxyConfigSchema.safeParse(resolved);
  if (!parsed.success) issues.push(...configIssuesFromZod(parsed.error, resolved, [], proxyConfigSchema));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(withLines(issues, locator), file);
  const config = parsed.data;
  const later = [...duplicateDeploymentIds(config.model_list), ...unknownFallbacks(config)];
  if (later.length > 0) throw new ConfigError(withLines(later, locator), file);
  return { config, file, locator };
}

export function withLines(issues: readonly ConfigIssue[], locator: ConfigLocator): ConfigIssue[] {
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const line = locator.lineOf(issue.path);
    return line === undefined ? issue : { ...issue, line };
  });
}

/** A fallback that names no model_name would fail only on the day it is needed: say so at start-up. */
function unknownFallbacks(config: ProxyConfig): ConfigIssue[] {
  const names = new Set(config.model_list.map((entry) => entry.model_name));
  const listed = [...names].join(", ");
  return fallbackReferences(config.router_settings).flatMap(({ path, model }) =>
    names.has(model) ? [] : [{ path: ["router_settings", ...path], message: `"${model}" is not a model_name in model_list (they are: ${listed})` }],
  );
}

/**
 * `api_key` given twice in one map: names the key and the line it first appeared on (found by
 * walking up the lines at the same indentation, within the same block).
 */
function duplicateKeyMessage(text: string, offset: number, at: { line: number; col: number }): string {
  const key = /^("[^"]*"|'[^']*'|[^:\n]+?)\s*:/.exec(text.slice(offset))?.[1]?.trim();
  if (key === undefined) return "invalid YAML: a key appears twice in the same map";
  const all = text.split(/\r?\n/);
  const indent = at.col - 1;
  for (let i = at.line - 2; i >= 0; i--) {
    const line = all[i]!;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const own = line.length - line.trimStart().length;
    const content = line.trimStart().replace(/^-\s+/, "");
    const column = line.length - content.length;
    if (column === indent && content.startsWith(`${key}:`)) return `duplicate key "${key}" (first given on line ${i + 1})`;
    if (own < indent && column !== indent) break;
  }
  return `duplicate key "${key}"`;
}
