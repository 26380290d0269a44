import { describe, expect, it } from "vitest";
import { openAIErrorBodySchema } from "./error-body.js";

/* Error bodies of reference 6.1 and 6.3. */

describe("openAIErrorBodySchema", () => {
  it.each([
    ["OpenAI's unsupported parameter", { error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", type: "invalid_request_error", param: "temperature", code: null } }],
    ["Azure's chat content filter with innererror", {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: { violence: { filtered: true, severity: "medium" } } },
      },
    }],
    ["Azure's Responses content filter with content_filters", {
      error: {
        message: "The response was filtered",
        type: "invalid_request_error",
        param: "prompt",
        code: "content_filter",
        content_filters: [{ blocked: true, source_type: "prompt", content_filter_results: { jailbreak: { detected: true, filtered: true } } }],
      },
    }],
  ])("accepts %s and keeps every field", (_label, body) => {
    expect(openAIErrorBodySchema.parse(body)).toStrictEqual(body);
  });

  it("rejects Azure's native error, which lacks type and param (a provider must map it first)", () => {
    const result = openAIErrorBodySchema.safeParse({ error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([["error", "type"], ["error", "param"]]);
  });
});
