/**
 * What a streamed call's retries would send again (the request), held for the router's attempts
 * only until the stream starts: once its first byte is out nothing is tried again, and a stream
 * of minutes need not keep a long conversation alive (a Codex turn is hundreds of KB). `release`
 * is relayStream's `onCommit`. An attempt reads what it sends from here and never captures it:
 * a captured variable lives as long as the closure does, and the router keeps the attempt's
 * closure for the whole call.
 */
export class RetryHold<T> {
  #held: T | undefined;

  constructor(held: T) {
    this.#held = held;
  }

  take(): T {
    if (this.#held === undefined) throw new Error("A stream that has started is not tried again.");
    return this.#held;
  }

  readonly release = (): void => {
    this.#held = undefined;
  };
}
