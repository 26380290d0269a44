import type { z } from "zod";
import { readValuePath } from "../wire/value-path.js";

export type ConfigPath = readonly (string | number)[];

/** One problem with a configuration (a proxy's config.yaml, the SDK's router options), at its key. */
export interface ConfigIssue {
  path: ConfigPath;
  message: string;
  /** 1-based line in the config file, when known. */
  line?: number;
}

/**
 * Turns zod's issues into config issues a person can act on: an unknown key is reported at the
 * key itself (`...api_bse: unknown key`), a missing one as `required`, values never echoed.
 */
export function configIssuesFromZod(error: z.ZodError, value: unknown, basePath: ConfigPath = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = [...basePath, ...(issue.path.filter((k) => typeof k !== "symbol") as (string | number)[])];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues.push({ path: [...path, key], message: "unknown key" });
      continue;
    }
    const received = readValuePath(value, issue.path);
    if (issue.code === "invalid_type" && received === undefined) {
      issues.push({ path, message: `required (${issue.expected})` });
      continue;
    }
    issues.push({ path, message: describe(issue) });
  }
  return issues;
}

function describe(issue: z.core.$ZodIssue): string {
  // zod's own messages are good ("Invalid input: expected string, received number") and do not
  // include the value, which might be a secret.
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}
