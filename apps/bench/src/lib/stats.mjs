/** Percentiles of a list of numbers (nearest rank), rounded for reporting. */
export function summarize(values) {
  const n = values.length;
  if (n === 0) return { count: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    mean: round(sum / n),
    p50: round(at(50)),
    p90: round(at(90)),
    p99: round(at(99)),
    p999: round(at(99.9)),
    max: round(sorted[n - 1]),
  };
}

export const round = (x, digits = 3) => (x === undefined || x === null || Number.isNaN(x) ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);

/** A growable list of doubles, cheap to append to from a hot event handler. */
export class Samples {
  #data = new Float64Array(1 << 16);
  #n = 0;
  push(v) {
    if (this.#n === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.#n++] = v;
  }
  get length() {
    return this.#n;
  }
  values() {
    return this.#data.subarray(0, this.#n);
  }
}
