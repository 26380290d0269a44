import type { CallOptions, TransformContext } from "@dheera/core";

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
