/** @dheera/proxy: the `dheera_ai` OpenAI-compatible gateway, also usable in-process. */
export { createProxy, type CreateProxyOptions, type DheeraProxy, type ListenAddress } from "./server/create-proxy.js";
export { startProxy, exitOnSignals, type StartProxyOptions, type StartedProxy } from "./server/start-proxy.js";
export { loadConfigFile, parseConfigText, validateConfig, type LoadedConfig, type Env } from "./config/load-config.js";
export { ConfigError, formatConfigPath, type ConfigIssue, type ConfigPath } from "./config/config-error.js";
export { proxyConfigSchema, type ProxyConfig, type ModelEntry, type GeneralSettings, type CallbackConfig } from "./config/config-schema.js";
export type { SpendRow } from "./spend/spend-row.js";
export type { SpendSummary, SpendTotals } from "./spend/spend-store.js";
// Kept for code written against the proxy: the codec now lives in @dheera/core, where the SDK's router uses it too.
export { encodeResponseId, decodeResponseId, deploymentKey, type DecodedResponseId } from "@dheera/core";
export { createLogger, type Logger } from "./logging/logger.js";
export { VERSION } from "./version.js";
