import { formatValuePath, type ConfigIssue, type ConfigPath } from "@dheera/core";

/* Config problems, each pointing at the file, line and key a user has to fix. */

export type { ConfigIssue, ConfigPath };

/** `model_list[0].dheera_ai_params.api_bse` */
export function formatConfigPath(path: ConfigPath): string {
  return formatValuePath(path) || "(root)";
}

/**
 * Thrown at start-up when the config cannot be used. Its message lists every issue as
 * `config.yaml:7: model_list[0].dheera_ai_params.api_bse: unknown key`, one per line.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], file?: string) {
    super(issues.map((issue) => formatIssue(issue, file)).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
    this.file = file;
  }
}

function formatIssue(issue: ConfigIssue, file: string | undefined): string {
  const where = file === undefined ? "" : issue.line === undefined ? `${file}: ` : `${file}:${issue.line}: `;
  return `${where}${issue.path.length > 0 ? `${formatConfigPath(issue.path)}: ` : ""}${issue.message}`;
}
