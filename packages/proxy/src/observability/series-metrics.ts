import type { Registry } from "prom-client";

/*
 * Counters and histograms for the request path. prom-client's own re-validate and re-hash their
 * labels on every observation, even through a child; these keep each series as a plain object
 * the caller looks up once (by a key of its own) and then only adds numbers to. They join a
 * prom-client Registry as ordinary metrics (`get()` in its shape), so the exposition, the
 * cluster aggregation and the default metrics are prom-client's.
 */

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface MetricData {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: MetricValue[];
  aggregator: "sum";
}

export interface CounterSeries {
  value: number;
}

export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

abstract class SeriesMetric<S> {
  readonly aggregator = "sum" as const;
  #series = new Map<string, { labels: Record<string, string>; data: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // A duck-typed metric: the registry only calls get(), reset() and reads name/type.
    registry.registerMetric(this as never);
  }

  /** The series with these label values (in `labelNames` order), made on first use. Keep it. */
  series(values: readonly string[]): S {
    const key = values.join("\u0000");
    let entry = this.#series.get(key);
    if (entry === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ""));
      entry = { labels, data: this.create() };
      this.#series.set(key, entry);
    }
    return entry.data;
  }

  reset(): void {
    this.#series = new Map();
  }

  protected abstract create(): S;
  protected abstract valuesOf(labels: Record<string, string>, data: S, into: MetricValue[]): void;

  get(): Promise<MetricData> {
    const values: MetricValue[] = [];
    for (const { labels, data } of this.#series.values()) this.valuesOf(labels, data, values);
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  abstract readonly type: "counter" | "histogram";
}

export class SeriesCounter extends SeriesMetric<CounterSeries> {
  readonly type = "counter" as const;

  protected create(): CounterSeries {
    return { value: 0 };
  }

  protected valuesOf(labels: Record<string, string>, data: CounterSeries, into: MetricValue[]): void {
    into.push({ labels, value: data.value });
  }
}

export class SeriesHistogram extends SeriesMetric<HistogramSeries> {
  readonly type = "histogram" as const;

  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry, readonly buckets: readonly number[]) {
    super(name, help, labelNames, registry);
  }

  protected create(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }

  protected valuesOf(labels: Record<string, string>, data: HistogramSeries, into: MetricValue[]): void {
    let cumulative = 0;
    const bucket = `${this.name}_bucket`;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += data.counts[i]!;
      into.push({ labels: { ...labels, le: this.buckets[i]! }, value: cumulative, metricName: bucket });
    }
    into.push({ labels: { ...labels, le: "+Inf" }, value: data.count, metricName: bucket });
    into.push({ labels, value: data.sum, metricName: `${this.name}_sum` });
    into.push({ labels, value: data.count, metricName: `${this.name}_count` });
  }
}
