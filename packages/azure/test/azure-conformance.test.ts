import { undiciTransport } from "@dheera/core";
import { describeProviderConformance } from "@dheera/core/testing";
import { afterAll } from "vitest";
import { azureProvider } from "../src/index.js";
import { createAzureEmulator } from "../src/testing/index.js";

/* The provider conformance suite against the Azure emulator, on the classic routes, the v1 API, and the chat bridge. */

const transport = undiciTransport();
afterAll(() => transport.close());

const start = (apiVersion: string) => async () => {
  const server = await createAzureEmulator().listen();
  return { settings: { api_key: "test-azure-key", api_base: server.url, api_version: apiVersion }, close: server.close };
};

describeProviderConformance({
  name: "azure/ on the classic routes (dated api_version): conformance",
  plugin: azureProvider,
  transport,
  start: start("2025-04-01-preview"),
  models: { responses: "azure/gpt-4o", chat: "azure/gpt-4o" },
  stored: true,
  cancel: true,
  replay: true,
  prices: { priced: "azure/gpt-4o", unpriced: "azure/gpt-4o-unpriced-deployment" },
});

describeProviderConformance({
  name: "azure/ on the v1 API (api_version preview): conformance",
  plugin: azureProvider,
  transport,
  start: start("preview"),
  models: { responses: "azure/o1-pro", chat: "azure/gpt-4.1" },
  stored: true,
  cancel: true,
  replay: true,
});

describeProviderConformance({
  name: "azure/responses/ (chat through the Responses API): conformance",
  plugin: azureProvider,
  transport,
  start: start("2025-04-01-preview"),
  models: { chat: "azure/responses/o1-pro" },
});
