import { describe, expect, it } from "vitest";
import { cachedTokenProvider, type AccessTokenLike } from "./token-cache.js";

/** A token endpoint stand-in: each fetch answers the next token, living `lifeMs` from the fake now. */
function issuer(lifeMs: number) {
  let clock = 1_000_000;
  let issued = 0;
  let failing = false;
  const pending: (() => void)[] = [];
  let hold = false;
  const fetchToken = async (): Promise<AccessTokenLike> => {
    if (hold) await new Promise<void>((r) => pending.push(r));
    if (failing) throw new Error("token endpoint down");
    issued++;
    return { token: `t${issued}`, expiresOnTimestamp: clock + lifeMs };
  };
  return {
    provider: cachedTokenProvider(fetchToken, () => clock),
    advance: (ms: number) => (clock += ms),
    issued: () => issued,
    fail: (on: boolean) => (failing = on),
    hold: (on: boolean) => {
      hold = on;
      if (!on) pending.splice(0).forEach((r) => r());
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("cachedTokenProvider", () => {
  it("fetches once, then serves the held token without asking again", async () => {
    const t = issuer(60 * 60_000);
    expect(await t.provider()).toBe("t1");
    t.advance(30 * 60_000);
    expect(await t.provider()).toBe("t1");
    expect(t.issued()).toBe(1);
  });

  it("renews five minutes before expiry in the background, serving the old token meanwhile", async () => {
    const t = issuer(60 * 60_000);
    await t.provider();
    t.advance(56 * 60_000);
    expect(await t.provider()).toBe("t1"); // no wait: the renewal runs behind it
    await settle();
    expect(t.issued()).toBe(2);
    expect(await t.provider()).toBe("t2");
  });

  it("renews a short-lived token halfway through its life", async () => {
    const t = issuer(4_000);
    await t.provider();
    t.advance(1_900);
    await t.provider();
    await settle();
    expect(t.issued()).toBe(1);
    t.advance(200);
    await t.provider();
    await settle();
    expect(t.issued()).toBe(2);
  });

  it("shares one fetch between callers that find no usable token", async () => {
    const t = issuer(60 * 60_000);
    t.hold(true);
    const calls = [t.provider(), t.provider(), t.provider()];
    t.hold(false);
    expect(await Promise.all(calls)).toEqual(["t1", "t1", "t1"]);
    expect(t.issued()).toBe(1);
  });

  it("keeps serving the held token when a renewal fails, and tries again ten seconds later", async () => {
    const t = issuer(60 * 60_000);
    await t.provider();
    t.fail(true);
    t.advance(56 * 60_000);
    expect(await t.provider()).toBe("t1");
    await settle();
    t.fail(false);
    t.advance(5_000);
    expect(await t.provider()).toBe("t1");
    await settle();
    expect(t.issued()).toBe(1); // within the ten seconds: not asked again
    t.advance(6_000);
    await t.provider();
    await settle();
    expect(t.issued()).toBe(2);
  });

  it("never sends a token that is about to expire: waits for a new one, and fails when none comes", async () => {
    const t = issuer(60 * 60_000);
    await t.provider();
    t.fail(true);
    t.advance(60 * 60_000 - 5_000);
    await expect(t.provider()).rejects.toThrow("token endpoint down");
    t.fail(false);
    expect(await t.provider()).toBe("t2");
  });
});
