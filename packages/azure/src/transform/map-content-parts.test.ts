import type { ChatContentPart, InputContentPart } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { chatAssistantPartToOutputPart, chatPartToInputPart, inputPartToChatPart } from "./map-content-parts.js";

describe("content parts", () => {
  test.each([
    [{ type: "text", text: "hi" }, { type: "input_text", text: "hi" }],
    [{ type: "image_url", image_url: { url: "https://x.test/a.png", detail: "low" } }, { type: "input_image", image_url: "https://x.test/a.png", detail: "low" }],
    [{ type: "image_url", image_url: { url: "https://x.test/a.png" } }, { type: "input_image", image_url: "https://x.test/a.png", detail: "auto" }],
    [{ type: "file", file: { file_data: "data:application/pdf;base64,AA", filename: "a.pdf" } }, { type: "input_file", file_data: "data:application/pdf;base64,AA", filename: "a.pdf" }],
    [{ type: "input_audio", input_audio: { data: "AA", format: "mp3" } }, { type: "input_audio", input_audio: { data: "AA", format: "mp3" } }],
    [{ type: "future_part", x: 1 }, { type: "future_part", x: 1 }],
  ])("Chat part %j -> Responses part %j", (part, expected) => {
    expect(chatPartToInputPart(part as ChatContentPart)).toEqual(expected);
  });

  test("extra keys on a Chat part are not copied (Responses rejects unknown keys in parts)", () => {
    expect(chatPartToInputPart({ type: "text", text: "a", cache_control: { type: "ephemeral" } } as ChatContentPart)).toEqual({ type: "input_text", text: "a" });
  });

  test("assistant text and refusal parts become output_text and refusal", () => {
    expect(chatAssistantPartToOutputPart({ type: "text", text: "a" })).toEqual({ type: "output_text", text: "a" });
    expect(chatAssistantPartToOutputPart({ type: "refusal", refusal: "no" })).toEqual({ type: "refusal", refusal: "no" });
  });

  test.each([
    [{ type: "input_text", text: "hi" }, { type: "text", text: "hi" }],
    [{ type: "output_text", text: "hi" }, { type: "text", text: "hi" }],
    [{ type: "input_image", image_url: "https://x.test/a.png", detail: "high" }, { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "high" } }],
    [{ type: "input_file", file_id: "file-1" }, { type: "file", file: { file_id: "file-1" } }],
  ])("Responses part %j -> Chat part %j", (part, expected) => {
    expect(inputPartToChatPart(part as InputContentPart, () => {})).toEqual(expected);
  });

  test("image detail 'original' has no Chat value: omitted with a warning", () => {
    const warnings: string[] = [];
    expect(inputPartToChatPart({ type: "input_image", image_url: "https://x.test/a.png", detail: "original" }, (w) => warnings.push(w))).toEqual({
      type: "image_url",
      image_url: { url: "https://x.test/a.png" },
    });
    expect(warnings).toHaveLength(1);
  });

  test("a file known only by URL is dropped with a warning", () => {
    const warnings: string[] = [];
    expect(inputPartToChatPart({ type: "input_file", file_url: "https://x.test/a.pdf" }, (w) => warnings.push(w))).toBeNull();
    expect(warnings).toHaveLength(1);
  });

  test("an image_url part whose image_url is null is the client's mistake (400), not a crash", () => {
    expect(() => chatPartToInputPart({ type: "image_url", image_url: null } as never)).toThrow(expect.objectContaining({ status: 400, code: "invalid_type", param: "image_url" }));
  });
});
