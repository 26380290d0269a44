import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeResponseId, encodeResponseId } from "./response-id.js";

const key = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !s.includes("\u0000"));
const upstream = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{1,64}$/).map((h) => `resp_${h}`),
  fc.string({ minLength: 1, maxLength: 120, unit: "binary" }),
);

describe("response id encoding", () => {
  it("round-trips any deployment key and upstream id", () => {
    fc.assert(
      fc.property(key, upstream, (k, id) => {
        expect(decodeResponseId(encodeResponseId(k, id))).toEqual({ deploymentKey: k, upstreamId: id });
      }),
    );
  });

  it("keeps the resp_ prefix and only URL-safe characters", () => {
    fc.assert(
      fc.property(key, upstream, (k, id) => {
        const encoded = encodeResponseId(k, id);
        expect(encoded).toMatch(/^resp_[A-Za-z0-9_-]+$/);
        expect(encodeURIComponent(encoded)).toBe(encoded);
      }),
    );
  });

  it("is deterministic, so two proxy processes issue and accept the same ids", () => {
    expect(encodeResponseId("hAbc", "resp_123")).toBe(encodeResponseId("hAbc", "resp_123"));
  });

  it("does not decode ids it did not issue", () => {
    expect(decodeResponseId("resp_68ac2a4a5c1c8190b1b8bd3d2a3b1ee20c7e0c2a0b0c9c3a")).toBeUndefined();
    expect(decodeResponseId("chatcmpl-abc")).toBeUndefined();
    expect(decodeResponseId("resp_")).toBeUndefined();
    expect(decodeResponseId("resp_%%%")).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const decoded = decodeResponseId(`resp_${s}`);
        if (decoded) expect(encodeResponseId(decoded.deploymentKey, decoded.upstreamId)).toBe(`resp_${s}`);
      }),
    );
  });

  it("rejects a tampered id instead of routing it somewhere else", () => {
    const id = encodeResponseId("deployment-a", "resp_abc");
    const tampered = id.slice(0, -1) + (id.endsWith("A") ? "B" : "A");
    const decoded = decodeResponseId(tampered);
    if (decoded) expect(decoded).not.toEqual({ deploymentKey: "deployment-a", upstreamId: "resp_abc" });
  });
});
