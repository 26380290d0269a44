/**
 * `@dheera/core/testing`: the test kit for provider packages (run under vitest, an optional peer
 * dependency of @dheera/core): the provider conformance suite, a loopback test server, and the
 * contract every Transport owes its providers.
 */
export { describeProviderConformance, runConformanceChecks, type ConformanceFailure } from "./conformance/describe-conformance.js";
export { conformanceChecks, PROBE_PARAMETER } from "./conformance/conformance-checks.js";
export { createConformanceContext, type ConformanceCheck, type ConformanceContext, type ProviderConformanceOptions, type Skipped } from "./conformance/conformance-options.js";
export { openAIErrorBody } from "./conformance/error-checks.js";
export { recordingTransport, type RecordedExchange, type RecordingTransport, type SyntheticAnswer } from "./conformance/recording-transport.js";
export { startTestServer, closedPort, readRequestBody, type TestServer } from "./test-server.js";
export { describeTransportContract } from "./transport-contract.js";
