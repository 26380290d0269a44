import path from "node:path";
import { expect } from "vitest";
import { expectUpstream, jsonBody } from "../src/checks.js";
import { defineExpectations, type CheckContext } from "../src/expectation.js";
import { REPO_ROOT } from "../src/page-session.js";

/**
 * What `bash scripts/start.sh` ends with (`pnpm start`): the gateway of
 * packages/proxy/examples/start.mjs, here on a free port. The page's environment has
 * AZURE_API_KEY and AZURE_API_BASE set, so it talks to "your Azure resource": the emulator.
 */
async function startGateway(context: CheckContext): Promise<void> {
  if (context.proxyUrl) return;
  await context.startProxy(process.execPath, (port) => [path.join(REPO_ROOT, "packages/proxy/examples/start.mjs"), "--port", String(port), "--host", "127.0.0.1"]);
}

export default defineExpectations({
  "On a fresh machine (2)": {
    kind: "command",
    before: startGateway,
    check(result) {
      expect(result.statuses).toEqual([200]);
      const response = jsonBody(result.stdout);
      expect(response).toMatchObject({ object: "response", status: "completed" });
      expect(JSON.stringify(response.output)).toMatch(/unicorn/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", body: { model: "o1-pro" }, status: 200 }]);
    },
  },
  "On a fresh machine (3)": {
    kind: "script",
    before: startGateway,
    check(result) {
      expect(result.stdout).toMatch(/unicorn/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", body: { model: "o1-pro" }, status: 200 }]);
    },
  },
  "Using the SDK (2)": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/unicorn/i);
      expectUpstream(result, [
        {
          method: "POST",
          path: "/openai/responses",
          host: "dheera_ai8397336933.openai.azure.com",
          query: { "api-version": "2025-03-01-preview" },
          body: { model: "o1-pro", max_output_tokens: 100 },
          status: 200,
        },
      ]);
    },
  },
});
