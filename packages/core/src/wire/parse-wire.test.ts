import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { InvalidRequestError } from "../errors/dheera-error.js";
import { toOpenAIError } from "../errors/to-openai-error.js";
import { chatCompletionRequestSchema } from "./chat-request.js";
import { parseWireRequest } from "./parse-wire.js";
import { responsesCreateRequestSchema } from "./responses-request.js";

const fail = (body: unknown, schema: z.ZodType = chatCompletionRequestSchema) => {
  try {
    parseWireRequest(schema, body);
  } catch (err) {
    return err as InvalidRequestError;
  }
  throw new Error("expected parseWireRequest to throw");
};

describe("parseWireRequest", () => {
  it("returns the parsed request with its unknown parameters", () => {
    const body = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], seed: 7, logit_bias: { "1": 2 } };
    expect(parseWireRequest(chatCompletionRequestSchema, body)).toStrictEqual(body);
  });

  it.each([["null", null], ["an array", [1]], ["a string", "{}"]])("rejects %s as a body that is not a JSON object", (_label, body) => {
    const err = fail(body);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ status: 400, code: "invalid_request_body" });
  });

  it("reports a missing parameter the way OpenAI does", () => {
    const err = fail({ model: "gpt-4o" });
    expect(toOpenAIError(err).body.error).toStrictEqual({
      message: "Missing required parameter: 'messages'.",
      type: "invalid_request_error",
      param: "messages",
      code: "missing_required_parameter",
    });
  });

  it("names a nested parameter with OpenAI's path syntax", () => {
    expect(fail({ model: "m", messages: [{ role: "tool", content: "x" }] })).toMatchObject({ param: "messages[0].tool_call_id", code: "missing_required_parameter" });
    expect(fail({ model: "m", messages: [{ role: "robot", content: "x" }] })).toMatchObject({ param: "messages[0].role", code: "invalid_value" });
  });

  it("reports a value of the wrong type as invalid, not missing", () => {
    const err = fail({ model: 4, messages: [{ role: "user", content: "hi" }] });
    expect(err).toMatchObject({ param: "model", code: "invalid_value" });
    expect(err.message).toMatch(/^Invalid value for 'model': /);
  });

  it("works with the Responses request schema too", () => {
    expect(fail({ input: "hi" }, responsesCreateRequestSchema)).toMatchObject({ param: "model", code: "missing_required_parameter" });
  });
});
