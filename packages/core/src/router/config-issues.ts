import type { z } from "zod";
import { readValuePath } from "../wire/value-path.js";
import { closestName } from "./closest-name.js";
import { schemaKeysAt } from "./schema-keys.js";

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
 * Given the `schema` that was parsed, an unknown key close to a known one says which was meant
 * (`unknown key (did you mean "api_base"?)`), and the `required` issue that the same typo caused
 * for the meant key is folded into it: one mistake, one line.
 */
export function configIssuesFromZod(error: z.ZodError, value: unknown, basePath: ConfigPath = [], schema?: z.ZodType): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const meant = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const parent = issue.path.filter((k) => typeof k !== "symbol") as (string | number)[];
    const known = schema ? schemaKeysAt(schema, parent) : undefined;
    for (const key of issue.keys) {
      const guess = known ? closestName(key, known) : undefined;
      if (guess !== undefined) meant.add(pathKey([...parent, guess]));
      issues.push({ path: [...basePath, ...parent, key], message: guess === undefined ? "unknown key" : `unknown key (did you mean "${guess}"?)` });
    }
  }
  for (const raw of error.issues) {
    if (raw.code === "unrecognized_keys") continue;
    const issue = innerIssue(raw);
    if (issue !== raw) {
      issues.push(...configIssuesFromZod({ issues: [issue] } as z.ZodError, value, basePath, schema));
      continue;
    }
    const own = issue.path.filter((k) => typeof k !== "symbol") as (string | number)[];
    const path = [...basePath, ...own];
    const received = readValuePath(value, issue.path);
    if (issue.code === "invalid_type" && received === undefined) {
      if (!meant.has(pathKey(own))) issues.push({ path, message: `required (${issue.expected})` });
      continue;
    }
    issues.push({ path, message: describe(issue) });
  }
  return issues;
}

/**
 * A value that fits one form of a union (an object) but breaks inside it is reported as that
 * form's own issue (`type: invalid option ...`), not zod's bare "invalid input": the other forms
 * (say, a function) failed only because the value is not of their kind.
 */
function innerIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  const inside = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === "unrecognized_keys"));
  if (inside.length !== 1) return issue;
  const [first] = inside[0]!;
  return { ...first!, path: [...issue.path, ...first!.path] } as z.core.$ZodIssue;
}

const pathKey = (path: readonly (string | number)[]) => JSON.stringify(path);

function describe(issue: z.core.$ZodIssue): string {
  // zod's own messages are good ("Invalid input: expected string, received number") and do not
  // include the value, which might be a secret.
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}
