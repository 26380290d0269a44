import { describe, expect, it } from "vitest";
import { addDuration, parseDuration, periodAt } from "../src/keys/duration.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("budget and expiry durations", () => {
  it("reads LiteLLM's units and refuses anything else with a 400 naming the parameter", () => {
    expect(parseDuration("30s", "duration").ms).toBe(30_000);
    expect(parseDuration("1h", "duration").ms).toBe(3_600_000);
    expect(parseDuration("30d", "duration").ms).toBe(30 * 86_400_000);
    expect(parseDuration("1mo", "duration").months).toBe(1);
    for (const bad of ["", "0d", "1y", "monthly", "1.5h", "-1d"]) {
      expect(() => parseDuration(bad, "budget_duration")).toThrow(expect.objectContaining({ status: 400, param: "budget_duration" }));
    }
  });

  it("runs budget periods back to back from the anchor", () => {
    const anchor = at("2026-01-01T10:00:00Z");
    const day = parseDuration("1d", "budget_duration");
    const p = periodAt(anchor, day, at("2026-01-03T09:59:59Z"));
    expect([iso(p.start), iso(p.end)]).toEqual(["2026-01-02T10:00:00.000Z", "2026-01-03T10:00:00.000Z"]);
    const next = periodAt(anchor, day, at("2026-01-03T10:00:00Z"));
    expect(iso(next.start)).toBe("2026-01-03T10:00:00.000Z");
  });

  it("counts months on the calendar: a budget from Jan 31 resets on the last day of shorter months", () => {
    const anchor = at("2026-01-31T00:00:00Z");
    const month = parseDuration("1mo", "budget_duration");
    expect(iso(addDuration(anchor, month))).toBe("2026-02-28T00:00:00.000Z");
    const p = periodAt(anchor, month, at("2026-03-15T00:00:00Z"));
    expect([iso(p.start), iso(p.end)]).toEqual(["2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"]);
  });
});
