import { afterEach, describe, expect, it } from "vitest";
import { defaultTransport, setDefaultTransport } from "./default-transport.js";
import type { Transport } from "./transport.js";

const fake = (label: string, calls: string[]): Transport => async (req) => {
  calls.push(`${label} ${req.url}`);
  return { status: 204, headers: {}, body: (async function* () {})(), text: async () => "", dump: async () => {} };
};

describe("defaultTransport", () => {
  afterEach(() => setDefaultTransport(undefined));

  it("is one shared transport per process", () => {
    expect(defaultTransport()).toBe(defaultTransport());
  });

  it("sends through a transport set later, also from a reference taken before", async () => {
    const calls: string[] = [];
    const taken = defaultTransport();
    setDefaultTransport(fake("a", calls));
    await taken({ method: "GET", url: "http://x.test/1", headers: {} });
    setDefaultTransport(fake("b", calls));
    await taken({ method: "GET", url: "http://x.test/2", headers: {} });
    expect(calls).toEqual(["a http://x.test/1", "b http://x.test/2"]);
  });
});
