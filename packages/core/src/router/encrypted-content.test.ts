import { describe, expect, it } from "vitest";
import { encryptedContentMark, markEncryptedContent, markEncryptedContentText, takeEncryptedContentMarks, wantsEncryptedReasoning } from "./encrypted-content.js";

describe("encrypted reasoning affinity", () => {
  it("marks content with its deployment and takes the mark off a replay, naming the last issuer", () => {
    const response = { id: "resp_1", output: [{ type: "reasoning", encrypted_content: "gAAAA-east" }, { type: "message" }] };
    const marked = markEncryptedContent(response, encryptedContentMark("east~1"));
    expect(response.output[0]!.encrypted_content).toBe("gAAAA-east"); // the upstream's object is not changed
    const later = markEncryptedContent({ output: [{ type: "reasoning", encrypted_content: "gAAAA-west" }] }, encryptedContentMark("west"));
    const input = [{ role: "user", content: "hi" }, marked.output[0], later.output[0], { type: "reasoning", encrypted_content: "gAAAA-plain" }];
    expect(takeEncryptedContentMarks(input)).toBe("west");
    expect(input.map((i) => (i as { encrypted_content?: string }).encrypted_content)).toEqual([undefined, "gAAAA-east", "gAAAA-west", "gAAAA-plain"]);
  });

  it("marks JSON text without parsing it, and leaves text without encrypted content as it is", () => {
    const mark = encryptedContentMark("d");
    const text = '{"output":[{"type":"reasoning","encrypted_content": "gAAAA1"},{"encrypted_content":"gAAAA2"}]}';
    const out = markEncryptedContentText(text, mark);
    expect(JSON.parse(out).output.map((i: { encrypted_content: string }) => i.encrypted_content)).toEqual([`${mark}gAAAA1`, `${mark}gAAAA2`]);
    const plain = '{"output":[]}';
    expect(markEncryptedContentText(plain, mark)).toBe(plain);
  });

  it("finds nothing in string input or unmarked items", () => {
    expect(takeEncryptedContentMarks("hello")).toBeUndefined();
    expect(takeEncryptedContentMarks([{ encrypted_content: "gAAAA" }])).toBeUndefined();
    expect(wantsEncryptedReasoning(["reasoning.encrypted_content"])).toBe(true);
    expect(wantsEncryptedReasoning(null)).toBe(false);
  });
});
