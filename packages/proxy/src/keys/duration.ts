import { InvalidRequestError } from "@dheera/core";

/**
 * LiteLLM's durations (`duration`, `budget_duration`): a whole number and a unit, `30s`, `10m`,
 * `1h`, `1d`, `2w` or `1mo` (calendar months, so a monthly budget resets on the same day).
 */
export interface Duration {
  readonly text: string;
  readonly ms: number;
  /** Calendar months instead of `ms`. */
  readonly months: number;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PATTERN = /^(\d{1,6})(s|m|h|d|w|mo)$/;

export function parseDuration(text: string, param: string): Duration {
  const match = PATTERN.exec(text.trim());
  const n = match ? Number(match[1]) : 0;
  if (!match || n === 0) {
    throw new InvalidRequestError(`${param} must be a number and a unit such as 30s, 10m, 1h, 1d, 2w or 1mo; got '${text.slice(0, 40)}'.`, {
      param,
      code: "invalid_value",
    });
  }
  return match[2] === "mo" ? { text, ms: 0, months: n } : { text, ms: n * UNIT_MS[match[2]!]!, months: 0 };
}

/** `from` plus the duration, ms since the epoch. */
export function addDuration(from: number, d: Duration, times = 1): number {
  if (d.months === 0) return from + d.ms * times;
  const date = new Date(from);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + d.months * times);
  // The 31st of a month without one is that month's last day.
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.getTime();
}

/** The budget period [start, end) holding `now`: periods of `d` back to back from `anchor`. */
export function periodAt(anchor: number, d: Duration, now: number): { start: number; end: number } {
  if (now < anchor) return { start: anchor, end: addDuration(anchor, d) };
  let k = d.months === 0 ? Math.floor((now - anchor) / d.ms) : Math.floor((now - anchor) / (28 * 86_400_000 * d.months));
  // For months the estimate is a lower bound (no month is shorter than 28 days): step to the right one.
  while (addDuration(anchor, d, k + 1) <= now) k++;
  while (k > 0 && addDuration(anchor, d, k) > now) k--;
  return { start: addDuration(anchor, d, k), end: addDuration(anchor, d, k + 1) };
}
