import type { ChunkSink } from "../http/transport.js";

/**
 * Writes to a sink, waiting when it is full until it calls `resume` (also when it calls it
 * before saying it is full).
 */
export function pacedSink(sink: ChunkSink): (chunk: Uint8Array) => Promise<void> | undefined {
  let waiter: (() => void) | undefined;
  let resumedEarly = false;
  const resume = () => {
    if (waiter === undefined) resumedEarly = true;
    else waiter();
  };
  return (chunk) => {
    resumedEarly = false;
    if (sink.write(chunk, resume) || resumedEarly) return undefined;
    return new Promise<void>((r) => {
      waiter = () => {
        waiter = undefined;
        r();
      };
    });
  };
}
