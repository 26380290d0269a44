import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ProxyResponse } from "../src/http/proxy-response.js";

// The proxy's ServerResponse keeps headers set before the head in a list of its own: what a
// client receives must be exactly what a plain ServerResponse would have sent.

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function answer(handle: (res: ProxyResponse) => void): Promise<{ status: number; headers: IncomingHttpHeaders; raw: string[]; body: string }> {
  server = createServer({ ServerResponse: ProxyResponse }, (_req, res) => handle(res as ProxyResponse));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Node's own header store (a dictionary kept on the response once `setHeader` has used it): what
 * ProxyResponse avoids when nothing reads headers. Node's internal symbol, looked up by name.
 */
function nodeStore(res: ProxyResponse): unknown {
  const symbol = Object.getOwnPropertySymbols(res).find((s) => s.description === "kOutHeaders");
  return symbol === undefined ? undefined : (res as unknown as Record<symbol, unknown>)[symbol];
}

/** The names the client received, lowercased, as often as each came. */
const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

describe("ProxyResponse", () => {
  it("sends early headers with the head's own, a later value replacing an earlier one, without Node's store", async () => {
    let store: unknown = "unset";
    const got = await answer((res) => {
      res.setHeader("x-request-id", "req-1");
      res.setHeader("X-Attempts", 1);
      res.setHeader("x-attempts", 2);
      res.setHeader("x-replaced", "early");
      res.writeHead(201, { "content-type": "application/json", "x-replaced": "head" });
      store = nodeStore(res);
      res.end("{}");
    });
    // The fast path: the head was written from the list, and Node's dictionary was never made.
    expect(store ?? null).toBeNull();
    expect(got.status).toBe(201);
    expect(got.headers["x-request-id"]).toBe("req-1");
    expect(got.headers["x-attempts"]).toBe("2");
    expect(got.headers["x-replaced"]).toBe("head");
    expect(got.headers["content-type"]).toBe("application/json");
    // Each name once, as Node's own store would have sent them.
    const sent = names(got.raw);
    expect(sent.filter((n) => n === "x-attempts")).toHaveLength(1);
    expect(sent.filter((n) => n === "x-replaced")).toHaveLength(1);
    expect(got.body).toBe("{}");
  });

  it("sends early headers on an implicit head (end without writeHead) and with a status message", async () => {
    const implicit = await answer((res) => {
      res.setHeader("x-request-id", "req-2");
      res.statusCode = 404;
      res.end("gone");
    });
    expect(implicit.status).toBe(404);
    expect(implicit.headers["x-request-id"]).toBe("req-2");
    expect(implicit.body).toBe("gone");

    const withMessage = await answer((res) => {
      res.setHeader("x-early", "1");
      res.writeHead(200, "Fine", { "x-late": "2" });
      res.end();
    });
    expect(withMessage.headers["x-early"]).toBe("1");
    expect(withMessage.headers["x-late"]).toBe("2");
  });

  it("reads, removes and appends through Node's store once asked, without losing what was set early", async () => {
    let seen: unknown[] = [];
    let store: unknown;
    const got = await answer((res) => {
      res.setHeader("x-keep", "yes");
      res.setHeader("x-drop", "no");
      seen = [res.getHeader("x-keep"), res.hasHeader("x-drop"), res.getHeaderNames().sort()];
      store = nodeStore(res);
      res.removeHeader("x-drop");
      res.appendHeader("x-keep", "also");
      res.setHeader("x-after", "3");
      res.writeHead(200, ["x-array", "4"]);
      res.end();
    });
    expect(seen).toEqual(["yes", true, ["x-drop", "x-keep"]]);
    expect(store).toBeTruthy();
    expect(got.headers["x-drop"]).toBeUndefined();
    expect(got.headers["x-keep"]).toBe("yes, also");
    expect(got.headers["x-after"]).toBe("3");
    expect(got.headers["x-array"]).toBe("4");
  });

  it("merges a flat list head with early headers, the list's value replacing an early one", async () => {
    const got = await answer((res) => {
      res.setHeader("x-early", "1");
      res.setHeader("x-both", "early");
      res.writeHead(200, ["x-late", "2", "X-Both", "list", "content-length", "2"]);
      res.end("ok");
    });
    expect(got.headers["x-early"]).toBe("1");
    expect(got.headers["x-late"]).toBe("2");
    expect(got.headers["x-both"]).toBe("list");
    expect(names(got.raw).filter((n) => n === "x-both")).toHaveLength(1);
    expect(got.body).toBe("ok");
  });

  it("answers a list Node refuses as Node does", async () => {
    let code: string | undefined;
    await answer((res) => {
      res.setHeader("x-early", "1");
      try {
        res.writeHead(200, ["x-odd"]);
      } catch (err) {
        code = (err as { code: string }).code;
      }
      res.end();
    });
    expect(code).toBe("ERR_INVALID_ARG_VALUE");
  });

  it("refuses a bad header when it is set, and any header once the head is sent, as Node does", async () => {
    const errors: string[] = [];
    await answer((res) => {
      for (const bad of [() => res.setHeader("x-bad", "line\nbreak"), () => res.setHeader("bad name", "v")]) {
        try {
          bad();
        } catch (err) {
          errors.push((err as { code: string }).code);
        }
      }
      res.writeHead(200);
      try {
        res.setHeader("x-late", "1");
      } catch (err) {
        errors.push((err as { code: string }).code);
      }
      res.end();
    });
    expect(errors).toEqual(["ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN", "ERR_HTTP_HEADERS_SENT"]);
  });

  it("closes the connection when connection: close was set early", async () => {
    const got = await answer((res) => {
      res.setHeader("connection", "close");
      res.writeHead(200, { "content-length": "0" });
      res.end();
    });
    expect(got.headers.connection).toBe("close");
  });
});
