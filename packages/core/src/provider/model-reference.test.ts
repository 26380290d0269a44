import { describe, expect, it } from "vitest";
import { parseModelReference } from "./model-reference.js";

describe("parseModelReference", () => {
  it.each([
    ["azure/o1-pro", { raw: "azure/o1-pro", provider: "azure", model: "o1-pro" }],
    ["azure/responses/my-dep", { raw: "azure/responses/my-dep", provider: "azure", model: "responses/my-dep" }],
    ["azure/gpt-4o-2024-08-06", { raw: "azure/gpt-4o-2024-08-06", provider: "azure", model: "gpt-4o-2024-08-06" }],
  ])("splits %s at its first slash", (raw, expected) => {
    expect(parseModelReference(raw)).toStrictEqual(expected);
  });

  it.each([
    ["no slash", "gpt-4o"],
    ["a leading slash", "/o1-pro"],
    ["a trailing slash", "azure/"],
    ["only a slash", "/"],
    ["an empty string", ""],
  ])("rejects a reference with %s", (_label, raw) => {
    expect(parseModelReference(raw)).toBeUndefined();
  });
});
