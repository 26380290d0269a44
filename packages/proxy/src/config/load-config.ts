import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { proxyConfigSchema, type ProxyConfig } from "./config-schema.js";
import { resolveEnvReferences } from "./env-references.js";
import { noLocator, yamlLocator, type ConfigLocator } from "./yaml-locator.js";
import { configIssuesFromZod } from "./zod-config-issues.js";

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
    const issues = doc.errors.map((e): ConfigIssue => ({
      path: [],
      message: `invalid YAML: ${e.message.split("\n")[0]}`,
      line: lines.linePos(e.pos[0]).line,
    }));
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
  if (!parsed.success) issues.push(...configIssuesFromZod(parsed.error, resolved));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(withLines(issues, locator), file);
  const config = parsed.data;
  const duplicate = duplicateDeploymentIds(config);
  if (duplicate.length > 0) throw new ConfigError(withLines(duplicate, locator), file);
  return { config, file, locator };
}

export function withLines(issues: readonly ConfigIssue[], locator: ConfigLocator): ConfigIssue[] {
  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const line = locator.lineOf(issue.path);
    return line === undefined ? issue : { ...issue, line };
  });
}

function duplicateDeploymentIds(config: ProxyConfig): ConfigIssue[] {
  const seen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  config.model_list.forEach((entry, i) => {
    const id = entry.model_info?.id;
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) {
      issues.push({ path: ["model_list", i, "model_info", "id"], message: `duplicate id "${id}" (also used by model_list[${first}])` });
    } else {
      seen.set(id, i);
    }
  });
  return issues;
}
