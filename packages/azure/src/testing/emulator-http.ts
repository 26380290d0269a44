/** Building the emulator's HTTP answers: JSON bodies and streamed SSE bodies. */

const encoder = new TextEncoder();

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface SseBodyOptions {
  /** Pause before every frame but the first. */
  delayMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * A body that hands out one SSE frame per read, pausing between frames, and stops when the
 * reader cancels or the request is aborted: each frame reaches the wire as its own chunk.
 */
export function sseBody(frames: readonly string[], { delayMs, signal }: SseBodyOptions): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (index > 0) await sleep(delayMs, signal);
        if (signal?.aborted) {
          controller.close();
          return;
        }
        const frame = frames[index++];
        if (frame === undefined) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(frame));
        if (index === frames.length) controller.close();
      },
      cancel() {
        index = frames.length;
      },
    },
    { highWaterMark: 0 },
  );
}

export function sseResponse(frames: readonly string[], options: SseBodyOptions, headers: Record<string, string> = {}): Response {
  return new Response(sseBody(frames, options), {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, must-revalidate",
      "x-accel-buffering": "no",
      ...headers,
    },
  });
}
