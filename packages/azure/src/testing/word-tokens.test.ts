import { describe, expect, it } from "vitest";
import { countWords, splitChunks, splitWordDeltas, truncateWords } from "./word-tokens.js";

describe("word tokens", () => {
  it.each([
    ["", 0],
    ["   ", 0],
    ["one", 1],
    [" one  two\nthree ", 3],
  ])("counts %j as %i words", (text, n) => {
    expect(countWords(text)).toBe(n);
  });

  it("truncates to the first words, keeping inner spacing", () => {
    expect(truncateWords("a  b c d", 2)).toBe("a  b");
    expect(truncateWords("a b", 5)).toBe("a b");
    expect(truncateWords("a b", 0)).toBe("");
  });

  it.each(["Hello there, friend.", "  lead and trail  ", "one", "", "multi\nline text"])("splits %j into word deltas that join back", (text) => {
    const deltas = splitWordDeltas(text);
    expect(deltas.join("")).toBe(text);
    expect(deltas.length).toBe(Math.max(countWords(text), text === "" ? 0 : 1));
  });

  it("slices arguments into small chunks", () => {
    expect(splitChunks('{"city":"Paris"}')).toEqual(['{"city', '":"Par', 'is"}']);
  });
});
