import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../src/spend/spend-row.js";

describe("timeOrderedId", () => {
  it("is a UUIDv7 whose first 48 bits are the time in ms", () => {
    const now = Date.UTC(2026, 10, 25, 1, 2, 3, 456);
    const id = timeOrderedId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(now);
  });

  it("sorts by time, and never repeats within the same millisecond", () => {
    const earlier = timeOrderedId(1_000_000);
    const later = timeOrderedId(1_000_001);
    expect(earlier < later).toBe(true);
    const same = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(1_000_000)));
    expect(same.size).toBe(10_000);
    // Every variant digit occurs (its two low bits are random), and the random digits vary.
    expect(new Set([...same].map((id) => id[19])).size).toBe(4);
    expect(new Set([...same].map((id) => id.slice(24))).size).toBe(10_000);
  });
});
