import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INVALID, jsonValueAt, readJsonMembers, scanJsonArray } from "./json-members.js";

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => Object.hasOwn(o, k)).map((k) => [k, o[k]]));

describe("readJsonMembers", () => {
  it("reads the wanted top-level members and nothing else, whatever they hold", () => {
    const text = JSON.stringify({
      id: "resp_1",
      output: [{ type: "message", content: [{ text: 'a "quoted" } ] { [ \\ text', annotations: [] }] }],
      status: "completed",
      usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 },
      error: null,
      n: -1.5e3,
      ok: true,
    });
    expect(readJsonMembers(text, ["id", "status", "usage", "error", "n", "ok", "missing"])).toEqual({
      id: "resp_1",
      status: "completed",
      usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 },
      error: null,
      n: -1500,
      ok: true,
    });
  });

  it("matches JSON.parse on any object, compact or indented", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(undefined, 2, "\t"), fc.array(fc.string()), (o, indent, extra) => {
        const text = JSON.stringify(o, null, indent);
        const keys = [...Object.keys(o).filter((_, i) => i % 2 === 0), ...extra];
        expect(readJsonMembers(text, keys)).toEqual(pick(JSON.parse(text) as Record<string, unknown>, keys));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects every truncation of a body, and text that is not one object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (o, cut) => {
        const text = JSON.stringify(o);
        expect(readJsonMembers(text.slice(0, cut % text.length), ["a"])).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    for (const bad of ["", "[]", '"x"', "null", '{"a":1} {}', '{"a":1,}', '{"a"}', '{"a":"x}', "{a:1}"]) {
      expect(readJsonMembers(bad, ["a"]), bad).toBeUndefined();
    }
    expect(readJsonMembers(" { } ", ["a"])).toEqual({});
    expect(readJsonMembers('{"__proto__":{"x":1}}', ["__proto__"])?.["__proto__"]).toEqual({ x: 1 });
  });

  it("decodes escaped member names", () => {
    expect(readJsonMembers('{"\\u0069d":"x","i\\"d":"y"}', ["id", 'i"d'])).toEqual({ id: "x", 'i"d': "y" });
  });

  it("scanJsonArray visits every element's exact span", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom(undefined, 2), (a, indent) => {
        const text = JSON.stringify(a, null, indent);
        const seen: unknown[] = [];
        expect(scanJsonArray(text, 0, text.length, (s, e) => seen.push(JSON.parse(text.slice(s, e))) > 0)).toBe(true);
        expect(seen).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
    expect(scanJsonArray("[1,", 0, 3, () => true)).toBe(false);
    expect(scanJsonArray("[1] x", 0, 5, () => true)).toBe(false);
  });

  it("jsonValueAt reads any value as JSON.parse does, and rejects what it rejects", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(jsonValueAt(text, 0, text.length)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
    for (const bad of ['"a\tb"' /* a raw tab */, '"x', "nul", "tru", "01", "{"]) expect(jsonValueAt(bad, 0, bad.length), bad).toBe(INVALID);
    expect(jsonValueAt('"a\\"b"', 0, 7)).toBe('a"b');
  });
});
