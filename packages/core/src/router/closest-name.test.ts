import { describe, expect, it } from "vitest";
import { z } from "zod";
import { closestName } from "./closest-name.js";
import { configIssuesFromZod } from "./config-issues.js";
import { schemaKeysAt } from "./schema-keys.js";

describe("closestName", () => {
  it.each([
    ["api_bse", "api_base"],
    ["dheera_ai_param", "dheera_ai_params"],
    ["routing_stratgey", "routing_strategy"],
    ["mastr_key", "master_key"],
  ])("takes %s for %s", (typo, meant) => {
    expect(closestName(typo, ["api_key", "api_base", "dheera_ai_params", "routing_strategy", "master_key"])).toBe(meant);
  });

  it("guesses nothing when no name is close, or for a short name two edits away", () => {
    expect(closestName("something_else", ["model_list", "general_settings"])).toBeUndefined();
    expect(closestName("rpn", ["tpm"])).toBeUndefined();
    expect(closestName("rmp", ["rpm"])).toBe("rpm");
  });
});

describe("schemaKeysAt", () => {
  const schema = z.strictObject({
    model_list: z.array(z.strictObject({ model_name: z.string(), params: z.strictObject({ model: z.string(), api_base: z.string().optional() }) })),
    settings: z.strictObject({ a: z.number() }).optional(),
    either: z.union([z.strictObject({ x: z.string() }), z.strictObject({ y: z.string() })]).optional(),
  });

  it("finds the keys of the object at a path through arrays, optionals and unions", () => {
    expect(schemaKeysAt(schema, [])).toEqual(["model_list", "settings", "either"]);
    expect(schemaKeysAt(schema, ["model_list", 0, "params"])).toEqual(["model", "api_base"]);
    expect(schemaKeysAt(schema, ["settings"])).toEqual(["a"]);
    expect(schemaKeysAt(schema, ["either"])).toEqual(["x", "y"]);
    expect(schemaKeysAt(schema, ["model_list", 0, "model_name"])).toBeUndefined();
  });

  it("lets config issues name the key meant and fold the missing one into the same line", () => {
    const value = { model_list: [{ model_name: "a", param: { model: "m" } }] };
    const parsed = schema.safeParse(value);
    expect(parsed.success).toBe(false);
    const issues = configIssuesFromZod(parsed.error!, value, [], schema);
    expect(issues).toEqual([{ path: ["model_list", 0, "param"], message: 'unknown key (did you mean "params"?)' }]);
    // Without the schema: the plain two issues.
    expect(configIssuesFromZod(parsed.error!, value).map((i) => i.message)).toEqual(["unknown key", "required (object)"]);
  });
});
