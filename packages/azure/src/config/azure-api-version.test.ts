import { describe, expect, it } from "vitest";
import { ConfigurationError } from "@dheera/core";
import { classifyApiVersion, isV1ApiVersion } from "./azure-api-version.js";

describe("isV1ApiVersion", () => {
  it.each([
    ["v1", true],
    ["preview", true],
    ["latest", true],
    ["PREVIEW", true],
    [" Latest ", true],
    ["2025-04-01-preview", false],
    ["2024-10-21", false],
    ["v2", false],
    ["", false],
  ])("%j -> %s", (value, expected) => {
    expect(isV1ApiVersion(value)).toBe(expected);
  });
});

describe("classifyApiVersion", () => {
  it.each([
    ["2024-10-21", "dated", "2024-10-21"],
    ["2025-04-01-preview", "dated", "2025-04-01-preview"],
    ["2025-03-01-Preview", "dated", "2025-03-01-preview"],
    [" 2024-06-01 ", "dated", "2024-06-01"],
    ["v1", "v1", "v1"],
    ["Preview", "v1", "preview"],
    ["LATEST", "v1", "latest"],
  ])("classifies %j as %s (sent as %j)", (value, kind, version) => {
    expect(classifyApiVersion(value)).toEqual({ kind, version });
  });

  it.each(["2024-10", "2024-13-01", "2024-10-32", "2024-10-21-beta", "v2", "", "24-10-21", "2024/10/21"])(
    "rejects %j with a ConfigurationError that names the value and the accepted forms",
    (value) => {
      let error: unknown;
      try {
        classifyApiVersion(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      const { message, param } = error as ConfigurationError;
      expect(message).toContain(JSON.stringify(value.trim()));
      expect(message).toMatch(/YYYY-MM-DD.*YYYY-MM-DD-preview.*v1, preview, latest/);
      expect(param).toBe("api_version");
    },
  );

  it("cuts an absurdly long value short in the message", () => {
    expect(() => classifyApiVersion("x".repeat(500))).toThrow(/"x{64}…"/);
  });
});
