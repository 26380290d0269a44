/**
 * A transform serves one wire format on top of another: request down, response and stream
 * events back up. Transforms are pure (no I/O); what they cannot map they report through `warn`
 * or pass through, never drop silently.
 */
export interface TransformContext {
  /** The model name to show the client (the deployment or model_name). */
  model: string;
  /** For streams: whether the client asked for usage in the final chunk. */
  includeUsage?: boolean;
  warn?: (message: string) => void;
  /**
   * LiteLLM's `drop_params`: a parameter the target format cannot carry is dropped (and reported
   * to `dropped`) instead of refused with a 400 naming it.
   */
  dropParams?: boolean;
  /** Told each parameter dropped under `dropParams`, so the host can say so in its answer. */
  dropped?: (param: string) => void;
}

export interface Transform<InReq, OutReq, UpRes, DownRes, UpEvent, DownEvent> {
  request(request: InReq, context: TransformContext): OutReq;
  response(response: UpRes, context: TransformContext): DownRes;
  stream(events: AsyncIterable<UpEvent>, context: TransformContext): AsyncIterable<DownEvent>;
  /**
   * Optional: the same stream transform fed one event at a time (what `stream` does, without a
   * promise per event). A host that can push events (`WireStream.through`) prefers it.
   */
  streamStep?(context: TransformContext): StreamStep<UpEvent, DownEvent>;
}

/**
 * A stream transform as a state machine: `push` takes one upstream event and returns the events
 * it completes (often none or one); once `done` (the terminal event was seen) later upstream
 * events mean nothing. `end` is called when the upstream stops before that and returns what is
 * left, or throws when stopping there is an error. `push` throws for an upstream error event.
 */
export interface StreamStep<UpEvent, DownEvent> {
  push(event: UpEvent): readonly DownEvent[];
  end(): readonly DownEvent[];
  readonly done: boolean;
  /**
   * Optional: true when an upstream event of this SSE `event:` name would complete nothing if
   * pushed now, so a host reading SSE may skip parsing its data (a Responses stream's snapshots
   * and part markers are much of its bytes). Only names it knows to ignore: an unknown or generic
   * name is pushed as before.
   */
  ignores?(eventName: string): boolean;
}

/** A stream step over an iterable of events: how `stream` is written for a transform that has `streamStep`. */
export async function* stepEvents<U, D>(events: AsyncIterable<U>, step: StreamStep<U, D>): AsyncGenerator<D> {
  for await (const event of events) {
    yield* step.push(event);
    if (step.done) return;
  }
  yield* step.end();
}
