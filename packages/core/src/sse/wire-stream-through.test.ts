import { describe, expect, it, vi } from "vitest";
import type { ChunkSink } from "../http/transport.js";
import { collect, textOf, utf8 } from "../testing/async-iterables.js";
import type { StreamStep } from "../transform/transform.js";
import type { SseMessage } from "./sse-message.js";
import type { SseFraming } from "./wire-stream.js";
import { WireStream } from "./wire-stream.js";

type Up = { n?: number; end?: boolean; fail?: string };
type Down = { m: number } | { finished: true };

/** Doubles every `n` into `m`; `end` is the terminal event; `fail` an upstream error event. */
function doubling(): StreamStep<Up, Down> {
  let done = false;
  return {
    push(event) {
      if (done) return [];
      if (event.fail) {
        done = true;
        throw new Error(event.fail);
      }
      if (event.end) {
        done = true;
        return [{ finished: true }];
      }
      return [{ m: (event.n ?? 0) * 2 }];
    },
    end() {
      if (done) return [];
      done = true;
      throw new Error("truncated");
    },
    get done() {
      return done;
    },
  };
}

const framing: SseFraming<Down> = { encode: (e) => ({ data: JSON.stringify(e) }), trailer: { data: "[DONE]" } };
const sse = (...events: Up[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
const out = (...events: Down[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");

/**
 * An upstream body as the undici transport delivers it: pushed chunk by chunk, paused while the
 * sink is full, a throwing sink or an abort ending the request. `holdOpen`: the connection stays
 * open after the last part until aborted.
 */
function pushedUpstream(parts: string[], { holdOpen = false } = {}) {
  const controller = new AbortController();
  const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }));
  aborted.catch(() => {});
  const abort = vi.fn((reason?: unknown) => controller.abort(reason));
  const seen = { delivered: 0, paused: 0, iterated: false };
  const body = {
    [Symbol.asyncIterator]: async function* () {
      seen.iterated = true;
      for (const p of parts) yield utf8(p);
      if (holdOpen) await aborted;
    },
    async pipe(sink: ChunkSink) {
      for (const p of parts) {
        if (controller.signal.aborted) throw controller.signal.reason;
        let resume!: () => void;
        const resumed = new Promise<void>((r) => (resume = r));
        let room: boolean;
        try {
          room = sink.write(utf8(p), resume);
        } catch (err) {
          controller.abort(err);
          throw err;
        }
        seen.delivered++;
        if (!room) {
          seen.paused++;
          await Promise.race([resumed, aborted]);
        }
        // Separate reads, as off a socket; the last one and the end arrive together.
        if (p !== parts.at(-1)) await new Promise((r) => setTimeout(r, 1));
      }
      if (holdOpen) await aborted;
    },
  };
  return { stream: WireStream.fromSse<Up>(body, abort), abort, seen };
}

const collectingSink = () => {
  const writes: Uint8Array[] = [];
  return { writes, sink: { write: (c: Uint8Array) => writes.push(c) > 0 } satisfies ChunkSink };
};

describe("WireStream.through, piped (the proxy's bridged streams)", () => {
  it("writes the stepped events and the trailer from the pushed chunks, never iterating the body", async () => {
    const { stream, abort, seen } = pushedUpstream([sse({ n: 1 }, { n: 2 }), sse({ n: 3 }, { end: true })]);
    const { writes, sink } = collectingSink();
    const messages: SseMessage[] = [];
    await stream.through(doubling(), framing).pipeSse(sink, { onMessage: (m) => messages.push(m) });
    expect(textOf(writes)).toBe(out({ m: 2 }, { m: 4 }, { m: 6 }, { finished: true }) + "data: [DONE]\n\n");
    expect(seen.iterated).toBe(false);
    expect(abort).not.toHaveBeenCalled();
    expect(messages.map((m) => m.data)).toStrictEqual(['{"m":2}', '{"m":4}', '{"m":6}', '{"finished":true}', "[DONE]"]);
  });

  it("sends what one upstream chunk completes as one write, and events split over chunks whole", async () => {
    const text = sse({ n: 1 }, { n: 2 }, { end: true });
    const { stream } = pushedUpstream([text.slice(0, 5), text.slice(5, 20), text.slice(20)]);
    const { writes, sink } = collectingSink();
    await stream.through(doubling(), framing).pipeSse(sink);
    expect(writes.map((w) => new TextDecoder().decode(w))).toStrictEqual([out({ m: 2 }), out({ m: 4 }, { finished: true }) + "data: [DONE]\n\n"]);
  });

  it("gives what iterating the same stream gives (the SDK's path)", async () => {
    const parts = [sse({ n: 5 }), sse({ n: 6 }, { end: true })];
    const { writes, sink } = collectingSink();
    await pushedUpstream(parts).stream.through(doubling(), framing).pipeSse(sink);
    const iterated = await collect(pushedUpstream(parts).stream.through(doubling(), framing));
    expect(iterated).toStrictEqual([{ m: 10 }, { m: 12 }, { finished: true }]);
    expect(textOf(writes)).toBe(out(...iterated) + "data: [DONE]\n\n");
  });

  it("on an upstream error event writes the events before it, then rejects and aborts the upstream", async () => {
    const { stream, abort } = pushedUpstream([sse({ n: 1 }, { fail: "rate limited" }, { n: 2 }), sse({ n: 3 })]);
    const { writes, sink } = collectingSink();
    await expect(stream.through(doubling(), framing).pipeSse(sink)).rejects.toThrow("rate limited");
    expect(textOf(writes)).toBe(out({ m: 2 }));
    expect(abort).toHaveBeenCalled();
  });

  it("ends the client's stream at the terminal event even when the upstream stays open, and lets the upstream go", async () => {
    const { stream, abort } = pushedUpstream([sse({ n: 1 }, { end: true })], { holdOpen: true });
    const { writes, sink } = collectingSink();
    await stream.through(doubling(), framing).pipeSse(sink);
    expect(textOf(writes)).toBe(out({ m: 2 }, { finished: true }) + "data: [DONE]\n\n");
    expect(abort).toHaveBeenCalledOnce();
  });

  it("on the upstream's [DONE] (a chat stream) writes what the step held back for its end, then the trailer", async () => {
    // A step whose terminal event comes only at the end, as chat -> Responses does: chat's usage
    // chunk follows its finish_reason, so the Response is complete only when the stream is.
    let sum = 0;
    const summing: StreamStep<Up, Down> = {
      push: (e) => ((sum += e.n ?? 0), [{ m: e.n ?? 0 }]),
      end: () => [{ m: sum }, { finished: true }],
      done: false,
    };
    const { stream, seen } = pushedUpstream([sse({ n: 1 }, { n: 2 }), "data: [DONE]\n\n"]);
    const { writes, sink } = collectingSink();
    await stream.through(summing, framing).pipeSse(sink);
    expect(textOf(writes)).toBe(out({ m: 1 }, { m: 2 }, { m: 3 }, { finished: true }) + "data: [DONE]\n\n");
    expect(seen.iterated).toBe(false);
  });

  it("ignores bytes after the terminal event", async () => {
    const { stream } = pushedUpstream([sse({ end: true }), sse({ n: 9 }), "data: [DONE]\n\n"]);
    const { writes, sink } = collectingSink();
    await stream.through(doubling(), framing).pipeSse(sink);
    expect(textOf(writes)).toBe(out({ finished: true }) + "data: [DONE]\n\n");
  });

  it("rejects with the step's error when the upstream ends before its terminal event, keeping what came before", async () => {
    const { stream } = pushedUpstream([sse({ n: 4 })]);
    const { writes, sink } = collectingSink();
    await expect(stream.through(doubling(), framing).pipeSse(sink)).rejects.toThrow("truncated");
    expect(textOf(writes)).toBe(out({ m: 8 }));
  });

  it("does not parse an event the step ignores by its name, and parses unnamed or other events as before", async () => {
    const step = doubling();
    const push = vi.spyOn(step, "push");
    const ignoring: StreamStep<Up, Down> = { ...step, push: step.push, end: step.end, get done() { return step.done; }, ignores: (name) => name === "progress" };
    const text = `event: progress\ndata: {not json, never parsed}\n\n${sse({ n: 1 })}event: other\ndata: ${JSON.stringify({ n: 2 })}\n\n${sse({ end: true })}`;
    const { stream } = pushedUpstream([text]);
    const { writes, sink } = collectingSink();
    await stream.through(ignoring, framing).pipeSse(sink);
    expect(textOf(writes)).toBe(out({ m: 2 }, { m: 4 }, { finished: true }) + "data: [DONE]\n\n");
    expect(push.mock.calls.map(([e]) => e)).toStrictEqual([{ n: 1 }, { n: 2 }, { end: true }]);
  });

  it("rejects on an event that is not JSON and aborts the upstream", async () => {
    const { stream, abort } = pushedUpstream(["data: {nope\n\n", sse({ n: 1 })]);
    const { sink } = collectingSink();
    await expect(stream.through(doubling(), framing).pipeSse(sink)).rejects.toThrow(SyntaxError);
    expect(abort).toHaveBeenCalled();
  });

  it("holds the upstream back while the sink is full, until the sink calls resume", async () => {
    const { stream, seen } = pushedUpstream([sse({ n: 1 }), sse({ n: 2 }), sse({ end: true })]);
    const writes: string[] = [];
    let resume: (() => void) | undefined;
    const piped = stream.through(doubling(), framing).pipeSse({
      write(c, r) {
        writes.push(new TextDecoder().decode(c));
        resume = r;
        return false;
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toStrictEqual([out({ m: 2 })]);
    expect(seen.delivered).toBe(1);
    while (writes.length < 3) {
      const r = resume;
      resume = undefined;
      r?.();
      await new Promise((t) => setTimeout(t, 5));
    }
    resume?.();
    await piped;
    expect(writes.join("")).toBe(out({ m: 2 }, { m: 4 }, { finished: true }) + "data: [DONE]\n\n");
  });

  it("a stream can be read only once", async () => {
    const { stream } = pushedUpstream([sse({ end: true })]);
    stream.through(doubling(), framing);
    expect(() => stream.through(doubling(), framing)).toThrow(/already been consumed/);
  });
});

describe("WireStream.through, iterated", () => {
  it("stops at the terminal event and aborts an upstream that does not end by itself", async () => {
    const { stream, abort } = pushedUpstream([sse({ n: 1 }, { end: true })], { holdOpen: true });
    expect(await collect(stream.through(doubling(), framing))).toStrictEqual([{ m: 2 }, { finished: true }]);
    expect(abort).toHaveBeenCalledOnce();
  });

  it("over a stream of events rather than bytes, steps the events", async () => {
    async function* events(): AsyncGenerator<Up> {
      yield { n: 7 };
      yield { end: true };
    }
    const stream = WireStream.fromEvents<Up>(events(), { encode: (e) => ({ data: JSON.stringify(e) }) }, () => {});
    const { writes, sink } = collectingSink();
    await stream.through(doubling(), framing).pipeSse(sink);
    expect(textOf(writes)).toBe(out({ m: 14 }, { finished: true }) + "data: [DONE]\n\n");
  });
});
