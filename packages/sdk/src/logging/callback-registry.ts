import type { LoggingPayload } from "@dheera/core";
import type { CallCallbacks, LogCallback } from "../call-options.js";

/*
 * Success and failure callbacks, isolated from the request they report on:
 * - they run in a later macrotask (setImmediate), after the result has been handed to the caller
 *   (or the error thrown), so they never delay it;
 * - what they return is never awaited: a slow or never-settling promise holds nothing up;
 * - a callback that throws, or whose promise rejects, is reported through `warn` and changes
 *   nothing else (the other callbacks still run; the result was delivered already);
 * - every callback gets the same frozen payload, so one cannot change what the next one sees.
 * A callback that blocks the event loop synchronously still blocks the process: do heavy work
 * asynchronously.
 */

const later: (task: () => void) => void = typeof setImmediate === "function" ? (task) => void setImmediate(task) : (task) => void setTimeout(task, 0);

export class CallbackRegistry {
  readonly #entries = new Set<CallCallbacks>();

  constructor(private readonly warn: (message: string) => void) {}

  /** Registers callbacks for every call of this instance; returns the function that removes them. */
  add(callbacks: CallCallbacks): () => void {
    const entry = { ...callbacks };
    this.#entries.add(entry);
    return () => {
      this.#entries.delete(entry);
    };
  }

  /** Schedules the payload's callbacks (the instance's, then the call's own); returns at once. */
  dispatch(payload: LoggingPayload, perCall: CallCallbacks | undefined): void {
    const kind = payload.status === "success" ? "onSuccess" : "onFailure";
    const targets: LogCallback[] = [];
    for (const entry of [...this.#entries, ...(perCall ? [perCall] : [])]) {
      const callback = entry[kind];
      if (callback) targets.push(callback);
    }
    if (targets.length === 0) return;
    const frozen = freeze(payload);
    later(() => {
      for (const callback of targets) this.#run(callback, frozen, kind);
    });
  }

  #run(callback: LogCallback, payload: LoggingPayload, kind: string): void {
    const report = (error: unknown) => this.warn(`A logging ${kind} callback failed (the request was not affected): ${describe(error)}`);
    try {
      const returned = callback(payload);
      if (isThenable(returned)) returned.then(undefined, report);
    } catch (error) {
      report(error);
    }
  }
}

function freeze(payload: LoggingPayload): LoggingPayload {
  if (payload.usage) Object.freeze(payload.usage);
  if (payload.error) Object.freeze(payload.error);
  if (payload.attempts) {
    for (const record of payload.attempts) Object.freeze(record);
    Object.freeze(payload.attempts);
  }
  // The metadata object is the SDK's own shallow copy; the caller's nested values are left alone.
  Object.freeze(payload.metadata);
  return Object.freeze(payload);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
