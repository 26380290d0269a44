import { expect } from "vitest";
import { jsonBody } from "../../../src/checks.js";
import { defineExpectations } from "../../../src/expectation.js";

/*
 * The page's OpenAI emulator stands in for api.openai.com, its chat-only emulator for vLLM
 * (localhost:8000) and Ollama (localhost:11434): neither has a /v1/responses route.
 */
export default defineExpectations({
  "OpenAI > From the SDK": {
    kind: "script",
    check(result) {
      const [story, cost] = result.stdout.trim().split("\n");
      expect(story!.length).toBeGreaterThan(20);
      expect(Number(/^cost \(USD\): (\S+)$/.exec(cost ?? "")?.[1])).toBeGreaterThan(0);
    },
  },
  "OpenAI > Through the proxy": { kind: "proxy-config" },
  "OpenAI > Through the proxy (2)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(jsonBody(result.stdout)).toMatchObject({ object: "response", status: "completed", model: "gpt-4o" });
    },
  },
  "A chat-only server: vLLM": { kind: "proxy-config" },
  "A chat-only server: vLLM (2)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      const response = jsonBody(result.stdout) as { object: string; status: string; output: { type: string }[] };
      expect(response).toMatchObject({ object: "response", status: "completed" });
      expect(response.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    },
  },
  "Ollama, found out by itself": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/Say hello in French/);
      expect(result.stderr).toContain("has no Responses API");
    },
  },
});
