import { expect } from "vitest";
import { expectUpstream, jsonBody } from "../../../src/checks.js";
import { defineExpectations } from "../../../src/expectation.js";

const MASTER_KEY = { DHEERA_AI_MASTER_KEY: "sk-1234" };

export default defineExpectations({
  "Metrics > Set up": { kind: "proxy-config", env: MASTER_KEY },
  "Metrics > Set up (2)": { kind: "proxy-start", env: MASTER_KEY },
  "Metrics > Set up (3)": {
    kind: "script",
    env: MASTER_KEY,
    check(result) {
      expect(result.stdout.trim()).toBe("streamed");
      expect(result.upstream).toHaveLength(2);
    },
  },
  "Metrics > Set up (4)": {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      // Both calls, and token counts for each type the emulator reported.
      expect(result.stdout).toMatch(/^dheera_tokens_total\{model_name="gpt-4o",deployment="gpt-4o-eastus",type="output"\} [1-9]\d*$/m);
      expectUpstream(result, []);
    },
  },
  "Metrics > Set up (5)": { kind: "output" },

  "Metrics > Who may scrape": { kind: "file" },
  "Metrics > Who may scrape (2)": { kind: "proxy-config", env: MASTER_KEY },
  "Metrics > Who may scrape (3)": {
    kind: "command",
    check(result) {
      // No key sent, and the scrape is answered.
      expect(result.stdout.trim()).toBe("200");
    },
  },
  "Metrics > Who may scrape (4)": { kind: "output" },

  Traces: { kind: "proxy-start", env: MASTER_KEY },
  "Traces (2)": { kind: "proxy-config", env: { ...MASTER_KEY, HONEYCOMB_API_KEY: "hc-docs-key" } },
  "Traces (3)": {
    kind: "script",
    env: MASTER_KEY,
    check(result) {
      expect(result.stdout.trim()).toBe("completed");
      expect(result.upstream).toHaveLength(1);
      // The same trace, with the proxy's own span as the parent Azure sees.
      const sent = result.upstream[0]!.headers.traceparent;
      expect(sent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(sent).not.toContain("00f067aa0ba902b7");
    },
  },

  Health: {
    kind: "command",
    check(result) {
      const body = jsonBody(result.stdout) as Record<string, any>;
      expect(body).toMatchObject({
        status: "healthy",
        models: 1,
        spend_store: { backend: "sqlite", healthy: true, pending_rows: expect.any(Number), write_errors: 0, dropped_rows: 0 },
        virtual_keys: { backend: "sqlite", readable: true },
        limits: { backend: "memory", healthy: true },
      });
    },
  },
  "Health (2)": {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      const body = jsonBody(result.stdout) as Record<string, any>;
      expect(body).toMatchObject({ healthy_count: 1, unhealthy_count: 0 });
      expect(body.healthy_endpoints[0]).toMatchObject({ model_name: "gpt-4o", status: "healthy" });
      // The probe is one real request.
      expect(result.upstream).toHaveLength(1);
    },
  },
});
