import type { z } from "zod";
import { InvalidRequestError } from "../errors/dheera-error.js";
import { formatValuePath, readValuePath } from "./value-path.js";

/**
 * Validates a client's request against a wire schema. A failure becomes a 400 that names the
 * offending parameter the way OpenAI does (`param: "messages[0].role"`), never a zod dump.
 */
export function parseWireRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidRequestError("The request body must be a JSON object.", { code: "invalid_request_body" });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatValuePath(issue.path) || "body";
  const received = readValuePath(value, issue.path);
  if (received === undefined && issue.code === "invalid_type") {
    throw new InvalidRequestError(`Missing required parameter: '${param}'.`, { param, code: "missing_required_parameter" });
  }
  throw new InvalidRequestError(`Invalid value for '${param}': ${issue.message}.`, { param, code: "invalid_value" });
}
