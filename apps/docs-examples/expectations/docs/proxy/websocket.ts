import { expect } from "vitest";
import { expectUpstream } from "../../../src/checks.js";
import { defineExpectations } from "../../../src/expectation.js";

const MASTER_KEY = { DHEERA_AI_MASTER_KEY: "sk-1234" };

export default defineExpectations({
  "Set up": { kind: "proxy-config", env: MASTER_KEY },
  "Set up (2)": { kind: "proxy-start", env: MASTER_KEY },

  "Connect with the openai client (2)": {
    kind: "script",
    env: MASTER_KEY,
    check(result) {
      const lines = result.stdout.trim().split("\n");
      // Each turn's text, streamed as it came.
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.trim().length).toBeGreaterThan(0);
      // Two streamed creates reached Azure; the second carried the first turn's input and output
      // (store: false: Azure kept nothing, the connection did), and no previous_response_id.
      expectUpstream(result, [
        { method: "POST", path: "/openai/v1/responses", status: 200, body: { model: "gpt-4o", stream: true, store: false, input: "Name a unicorn." } },
        { method: "POST", path: "/openai/v1/responses", status: 200, body: { model: "gpt-4o", stream: true, store: false } },
      ]);
      const second = result.upstream[1]!.body as { input: Array<{ role: string }>; previous_response_id?: string };
      expect(second.previous_response_id).toBeUndefined();
      expect(second.input.map((item) => item.role)).toEqual(["user", "assistant", "user"]);
    },
  },
});
