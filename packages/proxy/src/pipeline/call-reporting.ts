import type { LoggingPayload } from "@dheera/core";
import { createLogSinks, type LogSinks } from "../callbacks/log-sinks.js";
import type { LoadedConfig } from "../config/load-config.js";
import { stdoutWriter, type Logger } from "../logging/logger.js";
import { deploymentLabel } from "./deployment-label.js";
import type { RequestContext } from "../http/request-context.js";
import { openSpendStore } from "../spend/open-spend-store.js";
import { spendRowOf } from "../spend/spend-row.js";
import type { SpendStore } from "../spend/spend-store.js";
import { SpendWriter } from "../spend/spend-writer.js";
import { callPayload } from "./call-payload.js";
import type { CallRecord } from "./call-record.js";

/**
 * What happens to a finished model call: its logging payload goes to the configured callbacks
 * and its spend row to the spend writer. Both only queue; nothing here waits for I/O.
 */
export interface CallReporting {
  /** For the /spend routes. */
  readonly store: SpendStore;
  readonly sinks: LogSinks;
  readonly writer: SpendWriter;
  /** Builds the payload and spend row and queues them; returns the payload (its cost goes into the log line). */
  report(ctx: RequestContext, call: CallRecord, httpStatus: number, endedAt: number): LoggingPayload;
  /** Writes what is queued (spend rows, webhook batches) and closes the store: the SIGTERM drain. */
  close(timeoutMs: number): Promise<void>;
}

export async function createCallReporting(loaded: LoadedConfig, logger: Logger, redact: (value: unknown) => unknown): Promise<CallReporting> {
  const general = loaded.config.general_settings ?? {};
  const redactText = (text: string) => String(redact(text));
  const store = await openSpendStore(general, loaded, (err) =>
    logger.warn({ spend: { backend: "postgres" }, err: { message: redactText(err.message) } }, "spend store connection lost"),
  );
  const writer = new SpendWriter(store, logger, {
    ...(general.spend_flush_interval_ms !== undefined ? { flushIntervalMs: general.spend_flush_interval_ms } : {}),
    redact: redactText,
  });
  const sinks = createLogSinks(loaded.config.dheera_ai_settings?.callbacks ?? [], logger, stdoutWriter(logger));
  await writer.start();
  const keepSpend = store.backend !== "disabled";

  return {
    store,
    sinks,
    writer,
    report(ctx, call, httpStatus, endedAt) {
      const payload = callPayload(ctx, call, httpStatus, endedAt);
      if (keepSpend) {
        const deployment = call.target ? deploymentLabel(call.target) : null;
        writer.add(spendRowOf(payload, { deployment, apiKeyHash: call.apiKeyHash, keyId: call.keyId, keyAlias: call.keyAlias, teamId: call.teamId, httpStatus }));
      }
      sinks.dispatch(payload);
      return payload;
    },
    async close(timeoutMs) {
      await Promise.all([writer.close(timeoutMs), sinks.close(timeoutMs)]);
    },
  };
}
