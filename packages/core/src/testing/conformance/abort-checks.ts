import assert from "node:assert/strict";
import { isAbortError } from "../../errors/to-openai-error.js";
import type { Deployment, WireStreamResult } from "../../provider/deployment.js";
import type { ConformanceCheck, ProviderConformanceOptions } from "./conformance-options.js";
import { callAny, rejection } from "./error-checks.js";

/*
 * Letting go of the upstream. The proxy aborts the caller's signal when its client goes away; the
 * SDK calls `stream.abort()` or breaks out of the loop. Either way the upstream request must be
 * cancelled (its signal aborted: undici then closes the connection and its body), or the
 * gateway keeps paying for tokens nobody reads.
 */

const USER = (content: string) => ({ role: "user" as const, content });

function longStream(d: Deployment, signal?: AbortSignal): Promise<WireStreamResult<unknown>> {
  const options = signal ? { signal } : undefined;
  return d.responses
    ? d.responses.stream({ model: "m", input: "Tell me a long story." }, options)
    : d.chat!.stream({ model: "m", messages: [USER("Tell me a long story.")], stream: true }, options);
}

export function abortChecks({ models }: ProviderConformanceOptions): ConformanceCheck[] {
  const anyModel = (models.responses ?? models.chat)!;
  return [
    {
      name: "aborting the caller's signal mid-stream cancels the upstream request",
      async run(ctx) {
        const controller = new AbortController();
        const result = await longStream(ctx.deployment(anyModel), controller.signal);
        const sent = ctx.recorder.exchanges.at(-1)!.request;
        const iterator = (result.stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        assert.equal((await iterator.next()).done, false, "the stream has a first event");
        controller.abort();
        assert.ok(sent.signal?.aborted, "the upstream request's signal was not aborted: the connection stays open");
        // The events already read may be followed by buffered ones, but the stream must end.
        await iterator.return?.();
      },
    },
    {
      name: "stream.abort() mid-stream cancels the upstream request, and the iteration ends (done or an abort error)",
      async run(ctx) {
        const result = await longStream(ctx.deployment(anyModel));
        const sent = ctx.recorder.exchanges.at(-1)!.request;
        const iterator = (result.stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        assert.equal((await iterator.next()).done, false, "the stream has a first event");
        result.stream.abort();
        assert.ok(sent.signal?.aborted, "the upstream request's signal was not aborted: the connection stays open");
        const drained = await drain(iterator);
        assert.ok(drained === "done" || isAbortError(drained), `the iteration ended with ${String(drained)}, not an abort error`);
      },
    },
    {
      name: "a call whose signal is already aborted rejects with an abort error, without hanging",
      async run(ctx) {
        const err = await rejection(callAny(ctx.deployment(anyModel), AbortSignal.abort()), "an aborted call succeeded");
        assert.ok(isAbortError(err), `expected an AbortError, got ${String(err)}`);
      },
    },
  ];
}

/** Reads what is left: "done" when it ends, or the error it ends with. */
async function drain(iterator: AsyncIterator<unknown>): Promise<unknown> {
  try {
    while (!(await iterator.next()).done);
    return "done";
  } catch (err) {
    return err;
  }
}
