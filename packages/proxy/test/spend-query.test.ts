import { describe, expect, it } from "vitest";
import { parseSpendQuery } from "../src/spend/spend-query.js";

const q = (s: string) => parseSpendQuery(new URLSearchParams(s));

describe("spend query", () => {
  it.each([
    ["", { filter: {}, limit: 100 }],
    ["model=gpt-4o&limit=5", { filter: { model: "gpt-4o" }, limit: 5 }],
    ["limit=1000", { filter: {}, limit: 1000 }],
  ])("reads %j", (query, expected) => {
    expect(q(query)).toEqual(expected);
  });

  it("takes a date alone as the whole UTC day, both bounds inclusive", () => {
    const { filter } = q("start_date=2026-01-02&end_date=2026-01-02");
    expect(filter.from?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2026-01-03T00:00:00.000Z");
  });

  it("takes datetimes as UTC unless they carry an offset, the end inclusive", () => {
    const { filter } = q("start_date=2026-01-02T10:00&end_date=2026-01-02T12:30:00%2B02:00");
    expect(filter.from?.toISOString()).toBe("2026-01-02T10:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2026-01-02T10:30:00.001Z");
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["limit=5.5", "limit"],
    ["start_date=yesterday", "start_date"],
    ["start_date=2026-02-30", "start_date"],
    ["end_date=2026-13-01T00:00", "end_date"],
    ["start_date=2026-01-03&end_date=2026-01-01", "end_date"],
  ])("rejects %s naming %s", (query, param) => {
    expect(() => q(query)).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
