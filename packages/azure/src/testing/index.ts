/**
 * `@dheera/azure/testing`: an Azure OpenAI emulator as strict as the real service, for tests
 * that have no Azure credentials. Serve it in process, through msw, or on a loopback port, where
 * `startEmulatorServer` can also inject faults (error statuses, resets, broken streams).
 */
export { createAzureEmulator, DEFAULT_AD_TOKENS, DEFAULT_API_KEYS, type AzureEmulator } from "./azure-emulator.js";
export {
  startEmulatorServer,
  startFaultServer,
  type EmulatorExchange,
  type EmulatorFault,
  type EmulatorFaultContext,
  type EmulatorServer,
  type EmulatorServerOptions,
  type FaultServerHandler,
  type InjectedErrorAnswers,
} from "./fault-server.js";
export { startAzureEmulatorFromCli, type CliIo } from "./start-from-cli.js";
/** Serves any web-style handler (Request -> Response) on loopback, streaming bodies frame by frame: for other providers' emulators. */
export { listenWithNodeHttp } from "./node-http-server.js";
export type { SocketPaths } from "./responses-socket-server.js";
export { DEFAULT_EMULATOR_DEPLOYMENTS } from "./emulator-deployments.js";
export { KNOWN_DATED_API_VERSIONS, V1_SURFACE_API_VERSIONS, FIRST_RESPONSES_API_VERSION } from "./emulator-api-version.js";
export { MAGIC as EMULATOR_MAGIC_PHRASES, UNICORN_STORY, REASONING_TOKENS, DEFAULT_REASONING_SUMMARY } from "./emulated-turn.js";
export { INVALID_SUBSCRIPTION_KEY_MESSAGE, INVALID_TOKEN_MESSAGE, SERVER_ERROR_MESSAGE } from "./emulator-errors.js";
/** The request log entry, credentials redacted: for other providers' emulators to keep the same log. */
export { REDACTED, recordRequest } from "./emulator-request-log.js";
export type {
  AzureEmulatorListenOptions,
  AzureEmulatorOptions,
  AzureEmulatorServer,
  EmulatorApi,
  EmulatorDeployment,
  EmulatorReply,
  EmulatorReplyContext,
  EmulatorSurface,
  EmulatorToolCall,
  RecordedRequest,
} from "./emulator-types.js";
