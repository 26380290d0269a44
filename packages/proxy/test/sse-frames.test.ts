import { describe, expect, it } from "vitest";
import { SseFrames } from "../src/websocket/sse-frames.js";

describe("SseFrames: a relay's SSE bytes to WebSocket frames", () => {
  it("hands on each event's data, whatever the line endings and however the bytes are split", () => {
    const text = 'event: response.created\ndata: {"a":1}\n\nevent: x\r\ndata: {"b":2}\r\n\r\n: comment\n\ndata: one\ndata: two\n\ndata: [DONE]\n\n';
    const whole = new SseFrames().push(text);
    expect(whole).toEqual(['{"a":1}', '{"b":2}', "one\ntwo"]);
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const frames = new SseFrames();
      expect([...frames.push(bytes.slice(0, cut)), ...frames.push(bytes.slice(cut))]).toEqual(whole);
    }
  });

  it("keeps a multi-byte character split across writes whole", () => {
    const bytes = new TextEncoder().encode('data: {"t":"naïve ☃"}\n\n');
    const frames = new SseFrames();
    const at = bytes.indexOf(0xe2) + 1;
    expect([...frames.push(bytes.slice(0, at)), ...frames.push(bytes.slice(at))]).toEqual(['{"t":"naïve ☃"}']);
  });
});
