import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createRequestContext } from "../src/http/request-context.js";

function fakes(url = "/v1/responses?x=1", socket: object = {}) {
  const req = { url, method: "POST", headers: {}, socket } as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { writableFinished: false }) as unknown as ServerResponse;
  return { req, res };
}

describe("request context", () => {
  it("creates one signal, on first use, and aborts it once with the cause", () => {
    const { req, res } = fakes();
    const ctx = createRequestContext(req, res);
    const signal = ctx.signal;
    expect(ctx.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    ctx.abort("shutdown");
    ctx.abort("client_closed");
    expect(signal.aborted).toBe(true);
    expect(ctx.abortCause).toBe("shutdown");
    expect((signal.reason as DOMException).name).toBe("AbortError");
    expect(ctx.path).toBe("/v1/responses");
    expect(ctx.query.get("x")).toBe("1");
  });

  it("a client that leaves before any upstream call still gets an aborted signal", () => {
    const { req, res } = fakes();
    const ctx = createRequestContext(req, res);
    res.emit("close");
    expect(ctx.abortCause).toBe("client_closed");
    expect(ctx.signal.aborted).toBe(true);
  });

  it("gives every request its own id unless the client sent a plain one", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createRequestContext(fakes().req, fakes().res).id));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    const mine = { url: "/x", method: "GET", headers: { "x-request-id": "trace-1234" } } as unknown as IncomingMessage;
    expect(createRequestContext(mine, fakes().res).id).toBe("trace-1234");
    const odd = { url: "/x", method: "GET", headers: { "x-request-id": "bad id\n" } } as unknown as IncomingMessage;
    expect(createRequestContext(odd, fakes().res).id).toMatch(/^req_/);
  });

  it("passes an untouched abort controller on to the next request on the same connection, never a used one", () => {
    const socket = {};
    const first = createRequestContext(fakes("/a", socket).req, fakes().res);
    const signal = first.signal;
    const listener = () => undefined;
    signal.addEventListener("abort", listener);
    signal.removeEventListener("abort", listener);
    first.release();
    const second = createRequestContext(fakes("/b", socket).req, fakes().res);
    expect(second.signal).toBe(signal);
    expect(second.signal.aborted).toBe(false);

    // A listener left behind (a provider that never removed its own): not passed on.
    second.signal.addEventListener("abort", () => undefined);
    second.release();
    const third = createRequestContext(fakes("/c", socket).req, fakes().res);
    expect(third.signal).not.toBe(signal);

    // Aborted: not passed on either; and another connection never gets it.
    const used = third.signal;
    third.abort("client_closed");
    third.release();
    const fourth = createRequestContext(fakes("/d", socket).req, fakes().res);
    expect(fourth.signal).not.toBe(used);
    expect(fourth.signal.aborted).toBe(false);
    fourth.release();
    const elsewhere = createRequestContext(fakes("/e", {}).req, fakes().res);
    expect(elsewhere.signal).not.toBe(fourth.signal);
  });
});
