import { describe, expect, it } from "vitest";
import { defaultTransport } from "./default-transport.js";

describe("defaultTransport", () => {
  it("is one shared transport per process", () => {
    expect(defaultTransport()).toBe(defaultTransport());
  });
});
