import * as undici from "undici";
import { describe, expect, it } from "vitest";
import { Agent } from "./undici-agent.js";

describe("undici's Agent loaded on its own", () => {
  it("is the very class undici exports, so its options and dispatch API are the documented ones", () => {
    expect(Agent).toBe(undici.Agent);
    expect(new Agent()).toBeInstanceOf(undici.Dispatcher);
  });
});
