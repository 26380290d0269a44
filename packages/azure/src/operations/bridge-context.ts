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
  // `done` mirrors the transform's after each call (the only times it can change) as a data
  // property: a getter in an object literal would keep every stream's step alive until a full GC
  // (see responses-stream-to-chat-chunks.ts). `ignores` is passed on, so a host still skips
  // parsing the events the transform would pass over.
  const step: { -readonly [K in keyof StreamStep<U, D>]: StreamStep<U, D>[K] } = {
    push(event) {
      onUpstream?.(event);
      try {
        return observed(transform.push(event));
      } finally {
        step.done = transform.done;
      }
    },
    end() {
      try {
        return observed(transform.end());
      } finally {
        step.done = transform.done;
      }
    },
    done: transform.done,
  };
  if (transform.ignores) step.ignores = transform.ignores.bind(transform);
  return step;
}
