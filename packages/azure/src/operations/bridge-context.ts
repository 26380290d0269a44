import type { CallOptions, StreamAccounting, StreamStep, TransformContext } from "@dheera/core";

/**
 * The transform context both bridges give their transforms: the model to show, the host's warn,
 * and under `drop_params` a `dropped` that collects what was dropped, for the answer's
 * `droppedParams`.
 */
export function bridgeContext(model: string, options: CallOptions | undefined, dropped: string[], warn: ((message: string) => void) | undefined): TransformContext {
  return {
    model,
    ...(warn ? { warn } : {}),
    ...(options?.dropParams ? { dropParams: true, dropped: (param: string) => dropped.push(param) } : {}),
  };
}

/** The answer's `droppedParams`, when anything was dropped. */
export const droppedOf = (dropped: string[]): { droppedParams?: string[] } => (dropped.length > 0 ? { droppedParams: dropped } : {});

/**
 * A bridge's stream step that fills `accounting` as it builds each event, so the host reads the
 * usage, first token and failure from it instead of parsing the events again. `onUpstream` sees
 * each upstream event first (what only the upstream shows: a chat-side usage the chunks lack).
 */
export function accountedStep<U, D>(transform: StreamStep<U, D>, accounting: StreamAccounting, onUpstream?: (event: U) => void): StreamStep<U, D> {
  const observed = (events: readonly D[]) => {
    for (const event of events) accounting.observe(event);
    return events;
  };
  return {
    push(event) {
      onUpstream?.(event);
      return observed(transform.push(event));
    },
    end: () => observed(transform.end()),
    get done() {
      return transform.done;
    },
  };
}
