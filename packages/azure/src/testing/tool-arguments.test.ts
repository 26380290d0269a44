import { describe, expect, it } from "vitest";
import { argumentsFromSchema, exampleValue } from "./tool-arguments.js";

describe("argumentsFromSchema", () => {
  it.each([
    ["a city", { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, { city: "Paris" }],
    ["only required properties", { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] }, { city: "Paris" }],
    ["enums, numbers, booleans", { type: "object", properties: { unit: { enum: ["f", "c"] }, n: { type: "number", minimum: 100 }, ok: { type: "boolean" } }, required: ["unit", "n", "ok"] }, { unit: "f", n: 100, ok: true }],
    ["nested objects and arrays", { type: "object", properties: { where: { type: "object", properties: { country: { type: "string" } }, required: ["country"] }, tags: { type: "array", items: { type: "string" } } }, required: ["where", "tags"] }, { where: { country: "France" }, tags: ["Paris"] }],
    ["nullable unions", { type: "object", properties: { date: { type: ["string", "null"] } }, required: ["date"] }, { date: "2025-01-01" }],
    ["no schema", undefined, {}],
  ])("builds %s", (_name, schema, expected) => {
    expect(JSON.parse(argumentsFromSchema(schema))).toEqual(expected);
  });

  it("is deterministic", () => {
    const schema = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };
    expect(argumentsFromSchema(schema)).toBe(argumentsFromSchema(schema));
    expect(exampleValue({ type: "string" }, "query")).toBe("unicorn");
  });
});
