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
  const destination = options.destination ?? stdoutDestination();
  const logger = pino(
    {
      name: "dheera_ai",
      level: options.detailedDebug ? "debug" : "info",
      base: { pid: process.pid },
      // Milliseconds since the epoch: no date formatting per line.
      timestamp: pino.stdTimeFunctions.epochTime,
      formatters: { level: (label) => ({ level: label }) },
      // A second net behind the body redactor: header-shaped fields never reach the output. Not
      // pino's `redact` (its wildcard paths run on every line); the per-request line, built from
      // known fields, skips it (see censorSecretFields).
      hooks: {
        logMethod(args, method) {
          const first = args[0] as unknown;
          if (typeof first === "object" && first !== null && args[1] !== REQUEST_LINE) args[0] = censorSecretFields(first as Record<string, unknown>) as never;
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
  destinations.set(logger, destination);
  if (!options.destination) onStdout.add(logger);
  return logger;
}

/**
 * stdout through sonic-boom, asynchronous (logging stays off the request path; flushLogger()
 * empties the buffer at exit), in its buffer mode: each line is encoded once as it is written and
 * the lines waiting are joined once per write. In its string mode every line measured the byte
 * length of all the lines still waiting (`Buffer.byteLength` on the joined string), which
 * flattens that string: with lines piling up behind an async write at a few thousand requests a
 * second, about 8 KB copied per 600-byte line.
 */
function stdoutDestination(): pino.DestinationStream {
  const sonic = pino.destination({ dest: 1, sync: false, minLength: 0, contentMode: "buffer" } as Parameters<typeof pino.destination>[0]);
  const writeBuffer = sonic.write.bind(sonic) as unknown as (data: Buffer) => boolean;
  sonic.write = ((data: string | Buffer) => writeBuffer(typeof data === "string" ? Buffer.from(data) : data)) as typeof sonic.write;
  return sonic;
}

/** The message of the per-request log line (server/request-handler.ts): known fields, never a secret. */
const REQUEST_LINE = "request";

/** Writes one per-request log line (`msg: "request"`) at `info` or `warn`. */
export type RequestLineWriter = (level: "info" | "warn", fields: Record<string, unknown>) => void;

/**
 * The per-request line, serialised here instead of by pino: the same bytes pino writes (level
 * label, time, the logger's bindings, the fields, msg), in one native `JSON.stringify` of the
 * fields instead of pino's key-by-key serialisation, its hooks and its intermediate strings. It
 * is the one line every request writes, so this is a tenth of what a request allocates. A logger
 * not made by createLogger (its destination unknown here) goes through pino as before.
 */
export function requestLineWriter(logger: Logger): RequestLineWriter {
  const destination = destinations.get(logger);
  if (!destination) return (level, fields) => logger[level](fields, REQUEST_LINE);
  // pino's own serialised bindings (`,"pid":1,"name":"dheera_ai"`): `bindings()` leaves out `base`.
  const chindings = (logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  if (typeof chindings !== "string") return (level, fields) => logger[level](fields, REQUEST_LINE);
  const closing = `"msg":${JSON.stringify(REQUEST_LINE)}}\n`;
  return (level, fields) => {
    if (!logger.isLevelEnabled(level)) return;
    const body = JSON.stringify(fields);
    destination.write(`{"level":"${level}","time":${Date.now()}${chindings},${body.length > 2 ? `${body.slice(1, -1)},` : ""}${closing}`);
  };
}
const CENSOR = "[REDACTED]";
const SECRET_HEADERS = ["authorization", "api-key", "x-api-key"] as const;
const SECRET_FIELDS = ["api_key", "master_key"] as const;

/**
 * What the former pino `redact` paths did (`headers.authorization`, `headers['api-key']`,
 * `headers['x-api-key']`, `*.api_key`, `*.master_key`), on a copy: the caller's object is not changed.
 */
export function censorSecretFields(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj instanceof Error) return obj;
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const value = obj[key];
    if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Error) continue;
    const record = value as Record<string, unknown>;
    const names = key === "headers" ? [...SECRET_HEADERS, ...SECRET_FIELDS] : SECRET_FIELDS;
    let copy: Record<string, unknown> | undefined;
    for (const name of names) {
      if (!Object.hasOwn(record, name)) continue;
      copy ??= { ...record };
      copy[name] = CENSOR;
    }
    if (copy) (out ??= { ...obj })[key] = copy;
  }
  return out ?? obj;
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
