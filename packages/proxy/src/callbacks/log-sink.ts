import type { LoggingPayload } from "@dheera/core";

/** Where logging payloads go (`dheera_ai_settings.callbacks`). */
export interface LogSink {
  /** For logs: `stdout`, `webhook https://host/path`. */
  readonly name: string;
  /** Takes the payload and returns at once: all I/O happens later, off the request path. */
  send(payload: LoggingPayload): void;
  /** Sends what is still queued, within `timeoutMs` (the SIGTERM drain). */
  close(timeoutMs: number): Promise<void>;
}
