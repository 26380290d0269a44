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
}

export interface Transform<InReq, OutReq, UpRes, DownRes, UpEvent, DownEvent> {
  request(request: InReq, context: TransformContext): OutReq;
  response(response: UpRes, context: TransformContext): DownRes;
  stream(events: AsyncIterable<UpEvent>, context: TransformContext): AsyncIterable<DownEvent>;
}
