import { describe, expect, it } from "vitest";
import { ConfigurationError, DheeraError } from "@dheera/core";
import { azureAuthHeaders, redactHeadersForLog, type AzureAuthInput } from "./azure-auth.js";

const KEY = "0123456789abcdef0123456789abcdef";

describe("azureAuthHeaders", () => {
  it.each<[string, AzureAuthInput, Record<string, string>]>([
    ["sends the key as api-key", { apiKey: KEY }, { "api-key": KEY }],
    ["sends a static token as Bearer", { adToken: "tok" }, { authorization: "Bearer tok" }],
    ["sends a provider's token as Bearer", { adTokenProvider: () => "ptok" }, { authorization: "Bearer ptok" }],
    ["awaits an async provider", { adTokenProvider: async () => "atok" }, { authorization: "Bearer atok" }],
    ["lets the key win over a token", { apiKey: KEY, adToken: "tok", adTokenProvider: () => "p" }, { "api-key": KEY }],
    ["lets a static token win over a provider", { adToken: "tok", adTokenProvider: () => "p" }, { authorization: "Bearer tok" }],
    ["adds extra headers", { apiKey: KEY, extraHeaders: { "x-gw": "1" } }, { "api-key": KEY, "x-gw": "1" }],
    ["lets a user api-key header win, whatever its case", { apiKey: KEY, extraHeaders: { "Api-Key": "user" } }, { "Api-Key": "user" }],
    ["lets a user Authorization header win", { adToken: "tok", extraHeaders: { Authorization: "Bearer user" } }, { Authorization: "Bearer user" }],
  ])("%s", async (_, input, expected) => {
    expect(await azureAuthHeaders(input)).toEqual(expected);
  });

  it("calls the provider on every request, so it can refresh", async () => {
    let n = 0;
    const input = { adTokenProvider: () => `t${++n}` };
    expect(await azureAuthHeaders(input)).toEqual({ authorization: "Bearer t1" });
    expect(await azureAuthHeaders(input)).toEqual({ authorization: "Bearer t2" });
  });

  it("reports missing credentials as a ConfigurationError", async () => {
    await expect(azureAuthHeaders({})).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("reports a provider that returns no string", async () => {
    await expect(azureAuthHeaders({ adTokenProvider: () => "" })).rejects.toThrow(/must return a non-empty token string/);
    await expect(azureAuthHeaders({ adTokenProvider: (() => 42) as never })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("reports a failing provider as a 500 without its message, keeping it as cause", async () => {
    const cause = new Error("secret-bearing detail");
    const error = await azureAuthHeaders({ adTokenProvider: () => Promise.reject(cause) }).catch((e: unknown) => e);
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 500, code: "token_provider_failed", provider: "azure", cause });
    expect((error as Error).message).not.toContain("secret-bearing");
  });
});

describe("redactHeadersForLog", () => {
  it("masks credentials and unknown user headers, keeps harmless ones", () => {
    expect(
      redactHeadersForLog({ "api-key": KEY, Authorization: "Bearer t", "x-gateway-key": "g", "Content-Type": "application/json" }),
    ).toEqual({ "api-key": "[REDACTED]", Authorization: "[REDACTED]", "x-gateway-key": "[REDACTED]", "Content-Type": "application/json" });
  });
});
