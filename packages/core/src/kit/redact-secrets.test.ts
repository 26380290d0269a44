import { describe, expect, it } from "vitest";
import { normalizeSecrets, redactDeep, redactSecrets } from "./redact-secrets.js";

describe("redactSecrets", () => {
  it.each([
    ["replaces every occurrence", "a KEY b KEY", ["KEY"], "a [REDACTED] b [REDACTED]"],
    ["replaces a longer secret whole before a secret it contains", "xKEY123x", ["KEY", "KEY123"], "x[REDACTED]x"],
    ["treats regex characters literally", "k.*+?(k", ["k.*+?(k"], "[REDACTED]"],
    ["ignores empty and missing secrets", "text", ["", undefined, null], "text"],
  ])("%s", (_, text, secrets, expected) => {
    expect(redactSecrets(text, normalizeSecrets(secrets))).toBe(expected);
  });

  it("redacts keys and values inside nested JSON", () => {
    expect(redactDeep({ a: ["S", { S: "xSx" }], n: 1 }, ["S"])).toEqual({ a: ["[REDACTED]", { "[REDACTED]": "x[REDACTED]x" }], n: 1 });
  });
});
