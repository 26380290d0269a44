import { describe, expect, it } from "vitest";
import { createAuthenticator, presentedKey } from "../src/auth/authenticator.js";

const KEY = "sk-master-0123456789";

describe("master key auth", () => {
  it("accepts the key as a bearer token, api-key or x-api-key header", () => {
    const auth = createAuthenticator(KEY);
    expect(() => auth.identify({ authorization: `Bearer ${KEY}` }, "model")).not.toThrow();
    expect(() => auth.identify({ authorization: `bearer   ${KEY}` }, "model")).not.toThrow();
    expect(() => auth.identify({ "api-key": KEY }, "model")).not.toThrow();
    expect(() => auth.identify({ "x-api-key": KEY }, "model")).not.toThrow();
  });

  it("rejects a missing key with 401 and says how to send one", () => {
    const auth = createAuthenticator(KEY);
    expect(() => auth.identify({}, "model")).toThrow(expect.objectContaining({ status: 401, code: "missing_api_key" }));
    expect(() => auth.identify({ authorization: `Basic ${KEY}` }, "model")).toThrow(expect.objectContaining({ status: 401 }));
  });

  it("rejects a wrong key with 401 without echoing it", () => {
    const auth = createAuthenticator(KEY);
    for (const wrong of ["sk-wrong", `${KEY}x`, KEY.slice(0, -1), ""]) {
      try {
        auth.identify({ authorization: `Bearer ${wrong}`, "api-key": wrong }, "model");
        expect.unreachable();
      } catch (err) {
        expect(err).toMatchObject({ status: 401 });
        if (wrong) expect((err as Error).message).not.toContain(wrong);
      }
    }
  });

  it("lets everything through when no master key is configured", () => {
    const auth = createAuthenticator(undefined);
    expect(auth.enabled).toBe(false);
    expect(() => auth.identify({}, "model")).not.toThrow();
  });

  it("prefers Authorization over api-key and x-api-key", () => {
    expect(presentedKey({ authorization: "Bearer a", "api-key": "b", "x-api-key": "c" })).toBe("a");
    expect(presentedKey({ "api-key": "b", "x-api-key": "c" })).toBe("b");
    expect(presentedKey({ "x-api-key": "c" })).toBe("c");
  });
});

describe("presented key digest", () => {
  it("derives the spend identity from the digest auth computed (a 16-hex SHA-256 prefix)", async () => {
    const { createHash } = await import("node:crypto");
    const { apiKeyHash } = await import("../src/auth/api-key-hash.js");
    const auth = createAuthenticator(KEY);
    const headers = { authorization: `Bearer ${KEY}` };
    auth.identify(headers, "model");
    expect(apiKeyHash(headers)).toBe(createHash("sha256").update(KEY, "utf8").digest("hex").slice(0, 16));
    expect(apiKeyHash({ "x-api-key": "other-key-123" })).toBe(createHash("sha256").update("other-key-123", "utf8").digest("hex").slice(0, 16));
    expect(apiKeyHash({})).toBeNull();
  });

  it("does not reuse a digest when the same headers object carries another key", () => {
    const auth = createAuthenticator(KEY);
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}` };
    auth.identify(headers, "model");
    headers.authorization = "Bearer sk-wrong-key";
    expect(() => auth.identify(headers, "model")).toThrow(expect.objectContaining({ status: 401 }));
  });
});
