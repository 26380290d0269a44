import { describe, expect, it } from "vitest";
import { collectSecrets, createRedactor } from "../src/logging/redact.js";

describe("redaction", () => {
  it("treats every value of a headers map as a secret, whatever the header's name", () => {
    const config = {
      model_list: [{ dheera_ai_params: { api_key: "azure-key-0123456789", api_base: "https://example.openai.azure.com" } }],
      dheera_ai_settings: {
        callbacks: [
          { type: "otel", endpoint: "http://collector:4318", headers: { "x-honeycomb-team": "hc-team-secret-42" } },
          { type: "webhook", url: "http://hooks", headers: { "X-Signature": "sig-0123456789abc" } },
        ],
      },
    };
    const secrets = collectSecrets(config);
    expect(secrets).toEqual(expect.arrayContaining(["azure-key-0123456789", "hc-team-secret-42", "sig-0123456789abc"]));
    // Plain settings are not secrets.
    expect(secrets).not.toContain("https://example.openai.azure.com");
    expect(secrets).not.toContain("otel");
    const redact = createRedactor(secrets);
    expect(redact("export failed: 401 for team hc-team-secret-42")).toBe("export failed: 401 for team [REDACTED]");
  });
});
