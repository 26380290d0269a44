import pino, { type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  detailedDebug?: boolean;
  /** Where JSON lines go; stdout by default. Tests pass a stream. */
  destination?: pino.DestinationStream;
}

const destinations = new WeakMap<Logger, pino.DestinationStream>();
/** Loggers whose destination is the process's stdout (the default). */
const onStdout = new WeakSet<Logger>();

/**
 * Structured JSON logs, one object per line. Request lines carry request_id, method, path,
 * model_name, deployment, status, latency_ms, stream and usage; `--detailed_debug` lowers the
 * level to debug, which adds request and response bodies (already redacted by the caller).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  // Asynchronous writes keep logging off the request path; flushLogger() empties the buffer at exit.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 });
  const logger = pino(
    {
      name: "dheera_ai",
      level: options.detailedDebug ? "debug" : "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A second net behind the body redactor: header-shaped fields never reach the output.
      redact: {
        paths: ["headers.authorization", "headers['api-key']", "headers['x-api-key']", "*.api_key", "*.master_key"],
        censor: "[REDACTED]",
      },
    },
    destination,
  );
  destinations.set(logger, destination);
  if (!options.destination) onStdout.add(logger);
  return logger;
}

/**
 * Writes raw lines to stdout. Through the logger's own destination when that is stdout, so log
 * lines and these lines never interleave mid-line and flushLogger() flushes both at exit.
 */
export function stdoutWriter(logger: Logger): (text: string) => void {
  const destination = onStdout.has(logger) ? destinations.get(logger) : undefined;
  if (destination) return (text) => void destination.write(text);
  return (text) => void process.stdout.write(text);
}

/** Writes out what an async destination still holds; call before the process exits. */
export function flushLogger(logger: Logger): void {
  try {
    const destination = destinations.get(logger) as { flushSync?: () => void } | undefined;
    if (destination?.flushSync) destination.flushSync();
    else logger.flush();
  } catch {
    // nothing left to do at exit
  }
}
