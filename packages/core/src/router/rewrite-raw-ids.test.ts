import { describe, expect, it } from "vitest";
import { rewriteRawResponseIds as rewriteRawIds } from "./response-id.js";

const encode = (id: string) => `resp_routed_${id}`;

describe("rewriteRawIds", () => {
  it("replaces the quoted upstream id and an echoed previous_response_id in the text, leaving the rest byte for byte", () => {
    const raw = '{"id":"resp_1",  "previous_response_id":"resp_0","output":[{"type":"message","text":"resp_1 unquoted"}]}';
    const { text, id } = rewriteRawIds(raw, { id: "resp_1", previous_response_id: "resp_0" }, encode);
    expect(id).toBe("resp_routed_resp_1");
    expect(text).toBe('{"id":"resp_routed_resp_1",  "previous_response_id":"resp_routed_resp_0","output":[{"type":"message","text":"resp_1 unquoted"}]}');
  });

  it("writes the whole body again when the upstream escaped the id differently", () => {
    const raw = '{"id":"resp\\u005f1","object":"response","output":[{"type":"message"}],"usage":null}';
    const { text } = rewriteRawIds(raw, { id: "resp_1" }, encode);
    expect(JSON.parse(text)).toStrictEqual({ id: "resp_routed_resp_1", object: "response", output: [{ type: "message" }], usage: null });
  });
});
