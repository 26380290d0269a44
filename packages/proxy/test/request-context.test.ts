import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createRequestContext } from "../src/http/request-context.js";

function fakes(url = "/v1/responses?x=1") {
  const req = { url, method: "POST", headers: {} } as unknown as IncomingMessage;
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
});
