import { describe, expect, it, vi } from "vitest";
import { chunksOf, collect, deferred, textOf, utf8 } from "../testing/async-iterables.js";
import type { ChatCompletionChunk } from "../wire/chat-completion.js";
import type { ResponseStreamEvent } from "../wire/responses-stream-events.js";
import { decodeSse } from "./sse-decoder.js";
import type { SseMessage } from "./sse-message.js";
import { chatSseFraming, responsesSseFraming } from "./wire-framing.js";
import { WireStream } from "./wire-stream.js";

const created: ResponseStreamEvent = { type: "response.created", sequence_number: 0, response: { id: "resp_1", object: "response", created_at: 1, model: "m", output: [] } };
const delta: ResponseStreamEvent = { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hé" };
const chunk = (content: string): ChatCompletionChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

async function* eventsOf<E>(...events: E[]): AsyncGenerator<E> {
  yield* events;
}

/** An upstream body that yields `first`, then waits until `signal` aborts and fails with its reason. */
async function* bodyUntilAborted(first: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  yield utf8(first);
  await new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

describe("WireStream from a native SSE body", () => {
  it("yields the parsed events and stops at [DONE] without reading further", async () => {
    const abort = vi.fn();
    const body = chunksOf(`data: ${JSON.stringify(created)}\n\ndata:${JSON.stringify(delta)}\n\n`, "data: [DONE]\n\n", "data: {not json\n\n");
    const events = await collect(WireStream.fromSse<ResponseStreamEvent>(body, abort));
    expect(events).toStrictEqual([created, delta]);
    expect(abort).not.toHaveBeenCalled();
  });

  it("toSse yields the upstream bytes untouched, chunk for chunk", async () => {
    const chunks = [utf8(": keep-alive\r\n"), utf8(`event: response.created\r\ndata:${JSON.stringify(created)}\r\n`), utf8("\r\n")];
    const out = await collect(WireStream.fromSse(chunksOf(...chunks), () => {}).toSse());
    expect(out).toHaveLength(3);
    out.forEach((c, i) => expect(c).toBe(chunks[i]));
  });

  it("toSse reports each message to onMessage while forwarding the bytes", async () => {
    const seen: SseMessage[] = [];
    const text = `event: response.created\ndata: ${JSON.stringify(created)}\n\n`;
    const out = await collect(WireStream.fromSse(chunksOf(text), () => {}).toSse({ onMessage: (m) => seen.push(m) }));
    expect(textOf(out)).toBe(text);
    expect(seen).toStrictEqual([{ event: "response.created", data: JSON.stringify(created) }]);
  });
});

describe("WireStream from events (a transform)", () => {
  it("toSse with Responses framing writes event: <type> and data: <json>, with no [DONE]", async () => {
    const stream = WireStream.fromEvents<ResponseStreamEvent>(eventsOf(created, delta), responsesSseFraming, () => {});
    const text = textOf(await collect(stream.toSse()));
    expect(text).toBe(`event: response.created\ndata: ${JSON.stringify(created)}\n\nevent: response.output_text.delta\ndata: ${JSON.stringify(delta)}\n\n`);
  });

  it("toSse with Chat framing writes data-only chunks and the [DONE] trailer", async () => {
    const seen: SseMessage[] = [];
    const stream = WireStream.fromEvents(eventsOf(chunk("Hel"), chunk("lo")), chatSseFraming, () => {});
    const text = textOf(await collect(stream.toSse({ onMessage: (m) => seen.push(m) })));
    expect(text).toBe(`data: ${JSON.stringify(chunk("Hel"))}\n\ndata: ${JSON.stringify(chunk("lo"))}\n\ndata: [DONE]\n\n`);
    expect(text).not.toContain("event:");
    expect(seen.at(-1)).toStrictEqual({ data: "[DONE]" });
  });

  it("iterating yields the events themselves", async () => {
    const events = await collect(WireStream.fromEvents(eventsOf(chunk("a"), chunk("b")), chatSseFraming, () => {}));
    expect(events).toStrictEqual([chunk("a"), chunk("b")]);
  });

  it("its SSE decodes back to the same events", async () => {
    const stream = WireStream.fromEvents<ResponseStreamEvent>(eventsOf(created, delta), responsesSseFraming, () => {});
    const decoded = await collect(decodeSse(stream.toSse()));
    expect(decoded.map((m) => JSON.parse(m.data))).toStrictEqual([created, delta]);
  });
});

describe("WireStream cancellation", () => {
  it("breaking out of a for-await calls the abort function with an AbortError", async () => {
    const abort = vi.fn();
    const stream = WireStream.fromEvents(eventsOf(chunk("a"), chunk("b"), chunk("c")), chatSseFraming, abort);
    for await (const _ of stream) break;
    expect(abort).toHaveBeenCalledOnce();
    expect(abort.mock.calls[0]![0]).toMatchObject({ name: "AbortError" });
  });

  it("a client that stops reading toSse() early aborts the upstream", async () => {
    const abort = vi.fn();
    const stream = WireStream.fromSse(chunksOf("data: {}\n\n", "data: {}\n\n"), abort);
    for await (const _ of stream.toSse()) break;
    expect(abort).toHaveBeenCalledOnce();
  });

  it("return() before the first read (a client gone before the first byte) still aborts the upstream", async () => {
    const abort = vi.fn();
    const iterator = WireStream.fromSse(chunksOf("data: {}\n\n"), abort).toSse()[Symbol.asyncIterator]();
    await iterator.return?.();
    expect(abort).toHaveBeenCalledOnce();
  });

  it("does not abort a stream that was read to its end", async () => {
    const abort = vi.fn();
    await collect(WireStream.fromEvents(eventsOf(chunk("a")), chatSseFraming, abort).toSse());
    expect(abort).not.toHaveBeenCalled();
  });

  it("does not abort a source that ends right after the consumer stopped (a transform returning on the terminal event)", async () => {
    const abort = vi.fn();
    const stream = WireStream.fromSse<ResponseStreamEvent>(chunksOf(`data: ${JSON.stringify(created)}\n\n`), abort);
    for await (const _ of stream) break;
    expect(abort).not.toHaveBeenCalled();
  });

  it("still aborts a source that does not end within a turn of the event loop", async () => {
    const controller = new AbortController();
    const abort = vi.fn((reason?: unknown) => controller.abort(reason));
    const stream = WireStream.fromSse<ResponseStreamEvent>(bodyUntilAborted(`data: ${JSON.stringify(created)}\n\n`, controller.signal), abort);
    for await (const _ of stream) break;
    expect(abort).toHaveBeenCalledOnce();
    expect(abort.mock.calls[0]![0]).toMatchObject({ name: "AbortError" });
  });

  it("abort() calls the abort function, and an upstream that honours it ends iteration with an AbortError", async () => {
    const controller = new AbortController();
    const abort = vi.fn((reason?: unknown) => controller.abort(reason));
    const stream = WireStream.fromSse(bodyUntilAborted(`data: ${JSON.stringify(created)}\n\n`, controller.signal), abort);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toStrictEqual(created);
    const pending = iterator.next();
    stream.abort();
    expect(abort).toHaveBeenCalled();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an upstream failure reaches the consumer", async () => {
    const failed = deferred<never>();
    async function* body() {
      yield utf8("data: {}\n\n");
      yield await failed.promise;
    }
    const iterator = WireStream.fromSse(body(), () => {})[Symbol.asyncIterator]();
    await iterator.next();
    failed.reject(new Error("socket hang up"));
    await expect(iterator.next()).rejects.toThrow("socket hang up");
  });
});

describe("WireStream single consumer", () => {
  it("throws when iterated a second time", async () => {
    const stream = WireStream.fromEvents(eventsOf(chunk("a")), chatSseFraming, () => {});
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow("already been consumed");
  });

  it("throws when read as SSE after being iterated, and vice versa", () => {
    const a = WireStream.fromSse(chunksOf("data: {}\n\n"), () => {});
    a[Symbol.asyncIterator]();
    expect(() => a.toSse()).toThrow("already been consumed");
    const b = WireStream.fromSse(chunksOf("data: {}\n\n"), () => {});
    b.toSse();
    expect(() => b[Symbol.asyncIterator]()).toThrow("already been consumed");
  });
});

describe("WireStream.pipeSse", () => {
  it("lets a body that can push deliver a native, untapped stream, without iterating it", async () => {
    const pushed = [utf8("data: 1\n\n"), utf8("data: 2\n\n")];
    const body = {
      [Symbol.asyncIterator]: () => {
        throw new Error("iterated");
      },
      pipe: vi.fn(async (sink: { write(c: Uint8Array, resume: () => void): boolean }) => {
        for (const c of pushed) sink.write(c, () => {});
      }),
    };
    const got: Uint8Array[] = [];
    await WireStream.fromSse(body, () => {}).pipeSse({ write: (c) => got.push(c) > 0 });
    expect(body.pipe).toHaveBeenCalledOnce();
    expect(textOf(got)).toBe("data: 1\n\ndata: 2\n\n");
  });

  it("otherwise writes what toSse() yields, waiting for resume when the sink is full", async () => {
    const chunks = ["1", "2", "3"].map(chunk);
    const expected = textOf(await collect(WireStream.fromEvents(eventsOf(...chunks), chatSseFraming, () => {}).toSse()));
    const got: Uint8Array[] = [];
    let pending: (() => void) | undefined;
    const piped = WireStream.fromEvents(eventsOf(...chunks), chatSseFraming, () => {}).pipeSse({
      write(c, resume) {
        got.push(c);
        pending = resume;
        return false; // full after every chunk
      },
    });
    while (got.length < 4) {
      await new Promise((r) => setTimeout(r, 5));
      const resume = pending;
      pending = undefined;
      resume?.();
    }
    pending?.();
    await piped;
    expect(textOf(got)).toBe(expected);
  });

  it("aborts the upstream when the sink throws", async () => {
    const abort = vi.fn();
    const stream = WireStream.fromSse(chunksOf("data: 1\n\n", "data: 2\n\n"), abort);
    await expect(
      stream.pipeSse({
        write() {
          throw new Error("sink failed");
        },
      }),
    ).rejects.toThrow("sink failed");
    expect(abort).toHaveBeenCalledOnce();
  });

  it("reports each message of a pushed native stream to onMessage, passing the bytes untouched", async () => {
    const parts = [utf8("data: {\"a\":1}\n\nda"), utf8("ta: [DONE]\n\n")];
    const body = {
      [Symbol.asyncIterator]: () => chunksOf(...parts)[Symbol.asyncIterator](),
      pipe: async (sink: { write(c: Uint8Array, resume: () => void): boolean }) => {
        for (const c of parts) sink.write(c, () => {});
      },
    };
    const seen: SseMessage[] = [];
    const got: Uint8Array[] = [];
    await WireStream.fromSse(body, () => {}).pipeSse({ write: (c) => got.push(c) > 0 }, { onMessage: (m) => seen.push(m) });
    expect(got).toStrictEqual(parts);
    expect(seen).toStrictEqual([{ data: '{"a":1}' }, { data: "[DONE]" }]);
  });

  it("aborts the upstream when a transformed stream fails mid-way", async () => {
    const abort = vi.fn();
    async function* failing(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk("a");
      throw new Error("upstream error event");
    }
    const got: Uint8Array[] = [];
    await expect(WireStream.fromEvents(failing(), chatSseFraming, abort).pipeSse({ write: (c) => got.push(c) > 0 })).rejects.toThrow("upstream error event");
    expect(abort).toHaveBeenCalledOnce();
    expect(textOf(got)).toBe(`data: ${JSON.stringify(chunk("a"))}\n\n`);
  });
});
