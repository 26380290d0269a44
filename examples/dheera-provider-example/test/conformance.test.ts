import { undiciTransport } from "@dheera/core";
import { describeProviderConformance } from "@dheera/core/testing";
import { createOpenAIEmulator } from "@dheera/openai/testing";
import example from "../src/index.js";

// Dheera's provider conformance suite, against an OpenAI API emulator on loopback.
describeProviderConformance({
  plugin: example,
  transport: undiciTransport(),
  start: async () => {
    const server = await createOpenAIEmulator({ apiKeys: ["test-key-123456"] }).listen();
    return { settings: { api_key: "test-key-123456", api_base: `${server.url}/v1` }, close: server.close };
  },
  models: { responses: "example/gpt-4o", chat: "example/gpt-4o" },
  stored: true,
  prices: { priced: "example/gpt-4o", unpriced: "example/my-own-model" },
});
