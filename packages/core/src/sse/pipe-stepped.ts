import type { ChunkSink, UpstreamBody } from "../http/transport.js";
import type { StreamStep } from "../transform/transform.js";
import { pacedSink } from "./paced-sink.js";
import { SseDecoder } from "./sse-decoder.js";
import { formatSseMessage, type SseMessage } from "./sse-message.js";
import type { SseFraming, ToSseOptions } from "./wire-stream.js";

export interface Via<E> {
  pipe: NonNullable<UpstreamBody["pipe"]>;
  step: StreamStep<unknown, E>;
}

const encoder = new TextEncoder();
const stoppedEarly = () => new DOMException("The stream consumer stopped early.", "AbortError");

/**
 * A transformed stream driven by the upstream's pushed chunks: each chunk's SSE messages parsed,
 * stepped, and what they complete written as one chunk. After the terminal event the upstream
 * normally ends at once; one that has not ended within a turn of the event loop is aborted (bytes
 * after the terminal event mean nothing to the client).
 */
export async function pipeStepped<E>({ pipe, step }: Via<E>, framing: SseFraming<E>, sink: ChunkSink, { onMessage }: ToSseOptions, abort: (reason?: unknown) => void): Promise<void> {
  const decoder = new SseDecoder();
  let finished = false;
  let ended = false;
  let cutOff = false;
  let text = "";
  const add = (events: readonly E[]) => {
    for (const event of events) {
      const message = framing.encode(event);
      onMessage?.(message);
      text += formatSseMessage(message);
    }
  };
  const take = () => {
    const bytes = encoder.encode(text);
    text = "";
    return bytes;
  };
  const addTrailer = () => {
    if (!framing.trailer) return;
    onMessage?.(framing.trailer);
    text += formatSseMessage(framing.trailer);
  };
  const finish = () => {
    // The trailer leaves with the terminal event's chunks, in the same write.
    finished = true;
    addTrailer();
    setImmediate(() => {
      if (ended) return;
      cutOff = true;
      abort(stoppedEarly());
    });
  };
  const read = (messages: readonly SseMessage[]) => {
    for (const message of messages) {
      if (finished) return;
      if (message.data.startsWith("[DONE]")) {
        // The upstream's own end marker (Chat): what the step holds back for the end (a chat
        // stream turned into Responses ends with its terminal event) is due now.
        if (!step.done) add(step.end());
        finish();
      }
      else if (message.event === undefined || step.ignores?.(message.event) !== true) {
        add(step.push(JSON.parse(message.data)));
        if (step.done) finish();
      }
    }
  };
  try {
    await pipe({
      write(chunk, resume) {
        if (finished) return true;
        let failed = false;
        let failure: unknown;
        try {
          read(decoder.feed(chunk));
        } catch (err) {
          failed = true;
          failure = err;
        }
        // What the chunk completed goes out even when a later event in it failed.
        const room = text === "" || sink.write(take(), resume);
        if (failed) throw failure;
        return room;
      },
    });
    ended = true;
    if (!finished) {
      read(decoder.end());
      if (!finished) {
        add(step.end());
        addTrailer();
      }
    }
  } catch (err) {
    ended = true;
    if (!cutOff) {
      // The transform or the sink failed: the upstream may still be open (pipe aborts it on a
      // throw from write; this covers step.end).
      abort(stoppedEarly());
      // What step.end completed before it threw; a sink that already failed may fail again.
      try {
        if (text !== "") sink.write(take(), () => {});
      } catch {}
      throw err;
    }
  }
  if (text !== "") {
    const full = pacedSink(sink)(take());
    if (full) await full;
  }
}
