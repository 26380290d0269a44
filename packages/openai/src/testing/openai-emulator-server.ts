import { startFaultServer, type EmulatorServer, type EmulatorServerOptions } from "@dheera/azure/testing";
import { OPENAI_SOCKET_PATHS, createOpenAIEmulator, type OpenAIEmulator, type OpenAIEmulatorOptions } from "./openai-emulator.js";
import { openAIErrors } from "./openai-errors.js";

/** The OpenAI emulator on loopback, misbehaving on purpose when told to. */
export type OpenAIEmulatorServer = EmulatorServer<OpenAIEmulator>;

/**
 * The OpenAI emulator (or, `chatOnly`, the vLLM-like one) on a real loopback server,
 * `http://127.0.0.1:<port>` (its API under `/v1`), where `fault` can pick, per request, an
 * error status (in OpenAI's or vLLM's words), a reset connection or a broken stream instead of
 * the emulator's answer; the Azure emulator's fault server, around this emulator.
 *
 * ```ts
 * const server = await startOpenAIEmulatorServer({}, { fault: ({ path }) => (path === "/v1/responses" ? "http_429" : undefined) });
 * const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test-openai-key", maxRetries: 1 });
 * ```
 */
export function startOpenAIEmulatorServer(options: OpenAIEmulatorOptions = {}, serverOptions: EmulatorServerOptions = {}): Promise<OpenAIEmulatorServer> {
  // OpenAI serves WebSocket mode on /v1/responses; a chat-only server (vLLM) has none.
  const socketPaths = options.chatOnly === true ? false : OPENAI_SOCKET_PATHS;
  return startFaultServer(createOpenAIEmulator(options), serverOptions, openAIErrors(options.chatOnly === true).injected(), socketPaths);
}
