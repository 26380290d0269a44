import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "../src/http/json-depth.js";

function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("jsonDepthExceeds", () => {
  it("agrees with the parsed value's depth, whatever the strings hold (brackets, quotes, backslashes)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonDepthExceeds(Buffer.from(text), limit)).toBe(depthOf(JSON.parse(text)) > limit);
      }),
    );
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ s: '[[[[{{{{\\"[[[' })), 1)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('[[["a\\\\"]]]'), 2)).toBe(true);
  });
});
