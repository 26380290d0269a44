import { describe, expect, it } from "vitest";
import { ONE_SHOT_BODY_CHARS, OneShotBody, dispatchBody } from "./one-shot-body.js";

describe("dispatchBody", () => {
  const headers = { "content-type": "application/json", "api-key": "k" };

  it("leaves a short body as the string it is, headers untouched", () => {
    const out = dispatchBody(headers, '{"model":"m"}');
    expect(out).toEqual({ headers, body: '{"model":"m"}' });
    expect(dispatchBody(headers, undefined)).toEqual({ headers, body: null });
  });

  it("hands a long body over once, with its byte length (replacing a caller's own), and then holds nothing", async () => {
    const text = "é".repeat(ONE_SHOT_BODY_CHARS);
    const out = dispatchBody({ ...headers, "Content-Length": "1" }, text);
    expect(out.headers).toEqual({ ...headers, "content-length": String(2 * ONE_SHOT_BODY_CHARS) });
    const body = out.body as OneShotBody;
    expect(body).toBeInstanceOf(OneShotBody);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(text);
    // Read once: a second reader (or undici, later) gets nothing, so nothing is kept.
    expect(await body.next()).toEqual({ done: true, value: undefined });
  });

  it("forgets its bytes when the reader stops early", async () => {
    const body = new OneShotBody(Buffer.from("abc"));
    expect(await body.return()).toEqual({ done: true, value: undefined });
    expect(await body.next()).toEqual({ done: true, value: undefined });
  });
});
