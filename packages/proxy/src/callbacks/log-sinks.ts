import type { LoggingPayload } from "@dheera/core";
import type { CallbackConfig } from "../config/config-schema.js";
import type { Logger } from "../logging/logger.js";
import type { LogSink } from "./log-sink.js";
import { createStdoutSink } from "./stdout-sink.js";
import { WebhookSink } from "./webhook-sink.js";

export interface LogSinks {
  readonly names: readonly string[];
  /** Hands the payload to every sink; returns at once and never throws. */
  dispatch(payload: LoggingPayload): void;
  close(timeoutMs: number): Promise<void>;
}

/** The configured callbacks. A sink that throws is reported and changes nothing else. */
export function createLogSinks(configs: readonly CallbackConfig[], logger: Logger, writeStdout: (text: string) => void): LogSinks {
  const sinks: LogSink[] = [];
  for (const config of configs) {
    if (config.type === "stdout") sinks.push(createStdoutSink(writeStdout));
    else if (config.type === "webhook") sinks.push(new WebhookSink(config, logger));
    // `otel` is tracing (observability/tracing.ts), not a sink of logging payloads.
  }
  return {
    names: sinks.map((s) => s.name),
    dispatch(payload) {
      if (sinks.length === 0) return;
      // Every sink gets the same frozen payload: one cannot change what the next one sees.
      Object.freeze(payload.usage);
      Object.freeze(payload.error);
      Object.freeze(payload.metadata);
      Object.freeze(payload);
      for (const sink of sinks) {
        try {
          sink.send(payload);
        } catch (err) {
          logger.warn({ callback: sink.name, err: err instanceof Error ? err.message : String(err) }, "logging callback failed (the request was not affected)");
        }
      }
    },
    async close(timeoutMs) {
      await Promise.all(sinks.map((sink) => sink.close(timeoutMs).catch(() => undefined)));
    },
  };
}
