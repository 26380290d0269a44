import { loadConfigFile, type Env } from "../config/load-config.js";
import { flushLogger } from "../logging/logger.js";
import { createProxy, type CreateProxyOptions, type DheeraProxy, type ListenAddress } from "./create-proxy.js";

export interface StartProxyOptions extends CreateProxyOptions {
  /** Path of config.yaml. */
  config: string;
  port?: number;
  host?: string;
  env?: Env;
  /** Install SIGTERM/SIGINT handlers that drain and exit 0 (the CLI does; embedders may not want it). */
  handleSignals?: boolean;
}

export interface StartedProxy {
  proxy: DheeraProxy;
  address: ListenAddress;
}

/** Loads the config file, builds the proxy and listens. Throws ConfigError for a bad config. */
export async function startProxy(options: StartProxyOptions): Promise<StartedProxy> {
  const loaded = await loadConfigFile(options.config, options.env);
  const proxy = await createProxy(loaded, options);
  const address = await proxy.listen(options.port ?? 4000, options.host ?? "0.0.0.0");
  if (options.handleSignals) exitOnSignals(proxy);
  return { proxy, address };
}

/**
 * SIGTERM / SIGINT: stop accepting, drain in-flight requests and streams, exit 0. A second
 * signal does not wait any more, unless it comes within a second of the first: that is the same
 * Ctrl-C relayed by a launcher (npm, pnpm and most wrappers forward the SIGINT the terminal
 * already sent to the whole process group), not a person asking twice.
 */
const RELAYED_SIGNAL_MS = 1000;

export function exitOnSignals(proxy: DheeraProxy): void {
  let stopping = false;
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping && Date.now() - firstAt < RELAYED_SIGNAL_MS) return;
    if (stopping) {
      proxy.logger.warn({ signal }, "second signal: exiting now");
      flushLogger(proxy.logger);
      process.exit(1);
    }
    stopping = true;
    firstAt = Date.now();
    proxy.logger.info({ signal }, "draining");
    proxy
      .shutdown()
      .catch((err: unknown) => proxy.logger.error({ err: String(err) }, "shutdown failed"))
      .finally(() => {
        proxy.logger.info("stopped");
        flushLogger(proxy.logger);
        process.exit(0);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
