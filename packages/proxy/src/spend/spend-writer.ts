import type { Logger } from "../logging/logger.js";
import type { SpendRow } from "./spend-row.js";
import type { SpendStore } from "./spend-store.js";

export interface SpendWriterOptions {
  /** A row waits at most this long in memory before it is written, ms (default 200). */
  flushIntervalMs?: number;
  /** A batch this big is written at once, without waiting for the interval (default 100). */
  batchSize?: number;
  /** Rows held while the store is down; past this the oldest are dropped, counted (default 10000). */
  maxBuffer?: number;
  /** Attempts per batch before it is dropped, counted (default 5). */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each next one, at most 5 s (default 200 ms). */
  firstBackoffMs?: number;
  /** Removes secrets (the database URL) from error messages. */
  redact?: (text: string) => string;
}

export interface SpendWriterStats {
  written: number;
  pending: number;
  writeErrors: number;
  dropped: number;
}

const MAX_BACKOFF_MS = 5000;
/** Rows per transaction when the buffer has grown (after an outage): big enough to catch up fast. */
const MAX_ROWS_PER_WRITE = 500;
/** Drop warnings are at most this frequent; the counts add up in the next one. */
const DROP_WARNING_EVERY_MS = 1000;

/**
 * Keeps spend writes off the request path: `add` only pushes onto an in-memory buffer. A timer
 * writes the buffer every `flushIntervalMs` (or as soon as a batch is full) in one transaction.
 * A store that is down never fails a request: the error is logged and counted, the batch is
 * retried with backoff (200 ms, doubling, at most 5 s) up to `maxAttempts` times, and the buffer
 * is bounded (the oldest rows go first, counted). Migrations run before the first write; if the store was down at start they
 * are retried with the writes. `close` writes what is left (the SIGTERM drain).
 */
export class SpendWriter {
  readonly #store: SpendStore;
  readonly #logger: Logger;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxBuffer: number;
  readonly #maxAttempts: number;
  readonly #firstBackoff: number;
  readonly #redact: (text: string) => string;
  #failing = false;
  #buffer: SpendRow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #migrated = false;
  #attempts = 0;
  #closed = false;
  #stats = { written: 0, writeErrors: 0, dropped: 0 };
  #unreportedDrops = 0;
  #lastDropWarning = 0;

  constructor(store: SpendStore, logger: Logger, options: SpendWriterOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#interval = options.flushIntervalMs ?? 200;
    this.#batchSize = options.batchSize ?? 100;
    this.#maxBuffer = options.maxBuffer ?? 10_000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#firstBackoff = options.firstBackoffMs ?? 200;
    this.#redact = options.redact ?? ((t) => t);
  }

  get stats(): SpendWriterStats {
    return { ...this.#stats, pending: this.#buffer.length };
  }

  /** False from a failed write (or migration) until the next write succeeds: for /health/readiness. */
  get healthy(): boolean {
    return !this.#failing;
  }

  /** Runs the migrations once at start. A store that is down is reported, not thrown: writes retry it. */
  async start(): Promise<void> {
    await this.#migrate().catch(() => undefined);
  }

  /** Queues a row; returns at once. */
  add(row: SpendRow): void {
    if (this.#closed) return;
    this.#buffer.push(row);
    if (this.#buffer.length > this.#maxBuffer) {
      const over = this.#buffer.length - this.#maxBuffer;
      this.#buffer.splice(0, over);
      this.#drop(over, "the spend buffer is full (the store is down or too slow)");
    }
    if (this.#buffer.length >= this.#batchSize && this.#attempts === 0) this.#schedule(0);
    else this.#schedule(this.#interval);
  }

  /** Writes everything buffered (retrying failed batches until `deadline`), then closes the store. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = Date.now() + timeoutMs;
    // A write that hangs (a half-open connection) must not hold the exit: each wait is bounded.
    const until = <T>(work: Promise<T>, atLeastMs = 0) => withTimeout(work, Math.max(atLeastMs, deadline - Date.now()));
    await until(this.#flushing ?? Promise.resolve());
    while (this.#buffer.length > 0 && Date.now() < deadline) {
      const ok = await until(this.#flushOnce());
      if (ok === false) await sleep(Math.min(this.#backoff(), Math.max(0, deadline - Date.now())));
    }
    const left = this.#buffer.splice(0).length;
    if (left > 0) this.#drop(left, "the store could not be written before exit", true);
    else if (this.#unreportedDrops > 0) this.#drop(0, "the spend buffer was full", true);
    this.#logger.info({ spend: { backend: this.#store.backend, ...this.stats } }, "spend writer closed");
    await until(this.#store.close().catch(() => undefined), 500);
  }

  #schedule(delay: number): void {
    if (this.#closed || this.#flushing) return;
    if (this.#timer) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushOnce().then((ok) => {
        this.#flushing = undefined;
        if (this.#buffer.length === 0) return;
        if (!ok) this.#schedule(this.#backoff());
        else this.#schedule(this.#buffer.length >= this.#batchSize ? 0 : this.#interval);
      });
    }, delay);
    // Never what keeps a process alive; shutdown calls close().
    this.#timer.unref();
  }

  /** One batch, one transaction. True when it was written (or dropped after its last attempt). */
  async #flushOnce(): Promise<boolean> {
    if (this.#buffer.length === 0) return true;
    const batch = this.#buffer.slice(0, Math.max(this.#batchSize, MAX_ROWS_PER_WRITE));
    try {
      if (!this.#migrated) await this.#migrate();
      await this.#store.insert(batch);
      this.#removeHead(batch);
      this.#stats.written += batch.length;
      this.#failing = false;
      if (this.#attempts > 0) this.#logger.info({ spend: { backend: this.#store.backend, attempts: this.#attempts + 1 } }, "spend store reachable again");
      this.#attempts = 0;
      return true;
    } catch (err) {
      this.#failing = true;
      this.#stats.writeErrors++;
      this.#attempts++;
      const giveUp = this.#attempts >= this.#maxAttempts;
      this.#logger.error(
        { spend: { backend: this.#store.backend, rows: batch.length, attempt: this.#attempts, write_errors: this.#stats.writeErrors }, err: this.#describe(err) },
        giveUp ? "spend write failed; dropping the batch" : "spend write failed; will retry",
      );
      if (giveUp) {
        this.#removeHead(batch);
        this.#drop(batch.length, `the batch failed ${this.#attempts} times`, true);
        this.#attempts = 0;
        return true;
      }
      return false;
    }
  }

  async #migrate(): Promise<void> {
    try {
      const report = await this.#store.migrate();
      this.#migrated = true;
      this.#failing = false;
      this.#logger.info({ spend: { backend: this.#store.backend, location: this.#store.location, schema_version: report.version, applied: report.applied } }, "spend store ready");
    } catch (err) {
      this.#failing = true;
      this.#logger.error({ spend: { backend: this.#store.backend, location: this.#store.location }, err: this.#describe(err) }, "spend store unavailable; requests are served, rows are buffered and retried");
      throw err;
    }
  }

  /** Rows may have been dropped from the head while the batch was in flight: remove only what is still there. */
  #removeHead(batch: readonly SpendRow[]): void {
    let n = 0;
    while (n < batch.length && this.#buffer[n] === batch[n]) n++;
    if (n > 0) this.#buffer.splice(0, n);
    else {
      const written = new Set(batch);
      this.#buffer = this.#buffer.filter((row) => !written.has(row));
    }
  }

  #drop(count: number, why: string, force = false): void {
    this.#stats.dropped += count;
    this.#unreportedDrops += count;
    const now = Date.now();
    if (!force && now - this.#lastDropWarning < DROP_WARNING_EVERY_MS) return;
    this.#lastDropWarning = now;
    this.#logger.warn({ spend: { backend: this.#store.backend, dropped: this.#unreportedDrops, dropped_total: this.#stats.dropped } }, `spend rows dropped: ${why}`);
    this.#unreportedDrops = 0;
  }

  #backoff(): number {
    return Math.min(this.#firstBackoff * 2 ** Math.max(0, this.#attempts - 1), MAX_BACKOFF_MS);
  }

  #describe(err: unknown): { message: string; code?: string } {
    const message = this.#redact(err instanceof Error ? err.message || err.name : String(err));
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" ? { message, code } : { message };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The work's result, or undefined once `ms` have passed (the work goes on, unawaited). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), undefined)));
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
