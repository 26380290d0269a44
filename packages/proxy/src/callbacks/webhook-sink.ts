import type { LoggingPayload } from "@dheera/core";
import type { WebhookCallbackConfig } from "../config/config-schema.js";
import type { Logger } from "../logging/logger.js";
import type { LogSink } from "./log-sink.js";

export interface WebhookStats {
  sent: number;
  queued: number;
  dropped: number;
  failedAttempts: number;
}

const ATTEMPT_TIMEOUT_MS = 10_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
const DROP_WARNING_EVERY_MS = 1000;

/**
 * `{ type: "webhook", url }`: POSTs JSON arrays of payloads. `send` only queues. A batch goes out
 * when `batch_size` payloads are waiting or `flush_interval_ms` after the first one; one POST at
 * a time, so the receiver sees payloads in order. A 5xx, a 429 or a network error is retried
 * with exponential backoff (250 ms, 500 ms, ... up to 10 s) `max_retries` times; another 4xx
 * drops the batch (retrying cannot fix it). The queue is bounded by `max_queue`: when full, the
 * oldest payloads are dropped and counted in a warning.
 */
export class WebhookSink implements LogSink {
  readonly name: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #batchSize: number;
  readonly #interval: number;
  readonly #maxQueue: number;
  readonly #maxRetries: number;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;
  #queue: LoggingPayload[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #closing = false;
  #deadline = Number.POSITIVE_INFINITY;
  #stats = { sent: 0, dropped: 0, failedAttempts: 0 };
  #unreportedDrops = 0;
  #lastDropWarning = 0;

  constructor(config: WebhookCallbackConfig, logger: Logger, fetchImpl: typeof fetch = fetch) {
    this.#url = config.url;
    this.#headers = { ...config.headers, "content-type": "application/json" };
    this.#batchSize = config.batch_size ?? 100;
    this.#interval = config.flush_interval_ms ?? 1000;
    this.#maxQueue = config.max_queue ?? 10_000;
    this.#maxRetries = config.max_retries ?? 3;
    this.#logger = logger;
    this.#fetch = fetchImpl;
    this.name = `webhook ${safeUrl(config.url)}`;
  }

  get stats(): WebhookStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  send(payload: LoggingPayload): void {
    if (this.#closing) return;
    this.#queue.push(payload);
    if (this.#queue.length > this.#maxQueue) {
      const over = this.#queue.length - this.#maxQueue;
      this.#queue.splice(0, over);
      this.#drop(over, "the queue is full (the receiver is slow or down)");
    }
    this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#interval);
  }

  async close(timeoutMs: number): Promise<void> {
    this.#closing = true;
    this.#deadline = Date.now() + timeoutMs;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#sending;
    while (this.#queue.length > 0 && Date.now() < this.#deadline) await this.#sendBatch();
    const left = this.#queue.splice(0).length;
    if (left > 0) this.#drop(left, "the receiver could not be reached before exit", true);
    else if (this.#unreportedDrops > 0) this.#drop(0, "the queue was full", true);
  }

  #schedule(delay: number): void {
    if (this.#closing || this.#sending) return;
    if (this.#timer) {
      if (delay > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sending = this.#sendBatch().finally(() => {
        this.#sending = undefined;
        if (this.#queue.length > 0) this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#interval);
      });
    }, delay);
    this.#timer.unref();
  }

  /** One batch, with its retries. Never throws. */
  async #sendBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#batchSize);
    if (batch.length === 0) return;
    const body = JSON.stringify(batch);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#post(body);
      if (outcome.ok) {
        this.#stats.sent += batch.length;
        return;
      }
      this.#stats.failedAttempts++;
      const retry = outcome.retryable && attempt < this.#maxRetries;
      this.#logger.warn(
        { callback: this.name, status: outcome.status, error: outcome.error, attempt: attempt + 1, payloads: batch.length },
        retry ? "logging webhook failed; will retry" : "logging webhook failed; dropping the batch",
      );
      if (!retry) {
        this.#drop(batch.length, outcome.retryable ? `the batch failed ${attempt + 1} times` : `the receiver answered ${outcome.status}`, true);
        return;
      }
      const wait = Math.min(FIRST_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS) * (0.8 + Math.random() * 0.4);
      if (Date.now() + wait > this.#deadline) {
        this.#drop(batch.length, "the receiver could not be reached before exit", true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  async #post(body: string): Promise<{ ok: true } | { ok: false; retryable: boolean; status?: number; error?: string }> {
    try {
      const res = await this.#fetch(this.#url, {
        method: "POST",
        headers: this.#headers,
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, this.#deadline - Date.now()))),
      });
      // The body is not needed; reading it lets the connection be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      return { ok: false, retryable: res.status >= 500 || res.status === 429, status: res.status };
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      const code = typeof cause?.code === "string" ? cause.code : err instanceof Error ? err.name : "error";
      return { ok: false, retryable: true, error: code };
    }
  }

  #drop(count: number, why: string, force = false): void {
    this.#stats.dropped += count;
    this.#unreportedDrops += count;
    const now = Date.now();
    if (!force && now - this.#lastDropWarning < DROP_WARNING_EVERY_MS) return;
    this.#lastDropWarning = now;
    this.#logger.warn({ callback: this.name, dropped: this.#unreportedDrops, dropped_total: this.#stats.dropped }, `logging payloads dropped: ${why}`);
    this.#unreportedDrops = 0;
  }
}

/** Scheme, host and path: a token in the query string never reaches the logs. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}
