/*
 * A strict reader of the Prometheus text exposition format (version 0.0.4), written from the
 * format's specification and independent of prom-client: what a real Prometheus would refuse
 * fails here too (a sample before its TYPE, a malformed label, a non-numeric value, histogram
 * buckets that shrink or whose +Inf differs from _count).
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  /** Counters, gauges: the samples; histograms: their _bucket, _sum and _count samples, by series name. */
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("The exposition must end with a newline.");
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    const where = `line ${i + 1}: ${line}`;
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
      const [, kind, name, ...rest] = line.split(" ");
      if (!NAME.test(name!)) throw new Error(`Bad metric name, ${where}`);
      const family = families.get(name!) ?? { name: name!, type: "untyped" as const, help: "", samples: [] };
      if (family.samples.length > 0) throw new Error(`HELP/TYPE after samples, ${where}`);
      if (kind === "HELP") family.help = rest.join(" ");
      else {
        const type = rest.join(" ");
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) throw new Error(`Bad type, ${where}`);
        family.type = type as Family["type"];
      }
      families.set(name!, family);
      continue;
    }
    if (line.startsWith("#")) continue;
    const sample = parseSample(line, where);
    const family = familyOf(families, sample.name);
    if (!family) throw new Error(`Sample without a TYPE line, ${where}`);
    family.samples.push(sample);
  }
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function parseSample(line: string, where: string): { name: string; labels: Record<string, string>; value: number } {
  const brace = line.indexOf("{");
  const labels: Record<string, string> = {};
  let name: string;
  let rest: string;
  if (brace === -1) {
    const space = line.indexOf(" ");
    name = line.slice(0, space);
    rest = line.slice(space + 1);
  } else {
    name = line.slice(0, brace);
    let j = brace + 1;
    while (line[j] !== "}") {
      const eq = line.indexOf("=", j);
      const labelName = line.slice(j, eq);
      if (!LABEL_NAME.test(labelName) || line[eq + 1] !== '"') throw new Error(`Bad label, ${where}`);
      let value = "";
      let k = eq + 2;
      for (; k < line.length && line[k] !== '"'; k++) {
        if (line[k] === "\\") {
          const next = line[++k];
          value += next === "n" ? "\n" : next;
        } else value += line[k];
      }
      if (k >= line.length) throw new Error(`Unterminated label value, ${where}`);
      if (labelName in labels) throw new Error(`Repeated label ${labelName}, ${where}`);
      labels[labelName] = value;
      j = k + 1;
      if (line[j] === ",") j++;
      else if (line[j] !== "}") throw new Error(`Bad label list, ${where}`);
    }
    rest = line.slice(j + 1).trimStart();
  }
  if (!NAME.test(name)) throw new Error(`Bad sample name, ${where}`);
  const [raw] = rest.split(" ");
  // As Prometheus reads a value (Go's ParseFloat): Inf and NaN in any case.
  const word = raw?.toLowerCase();
  const value = word === "+inf" || word === "inf" ? Infinity : word === "-inf" ? -Infinity : word === "nan" ? NaN : Number(raw);
  if (raw === undefined || raw === "" || (Number.isNaN(value) && word !== "nan")) throw new Error(`Bad value, ${where}`);
  return { name, labels, value };
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const exact = families.get(sampleName);
  if (exact) return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))) return family;
  }
  return undefined;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...others } = s.labels;
    const id = JSON.stringify(Object.entries(others).sort());
    const entry = series.get(id) ?? { buckets: [] };
    series.set(id, entry);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push([le === "+Inf" ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith("_count")) entry.count = s.value;
  }
  for (const [id, { buckets, count }] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]![0] <= buckets[i - 1]![0] || buckets[i]![1] < buckets[i - 1]![1]) throw new Error(`${family.name}${id}: buckets out of order`);
    }
    if (buckets.at(-1)?.[0] !== Infinity || buckets.at(-1)![1] !== count) throw new Error(`${family.name}${id}: +Inf bucket must equal _count`);
  }
}

/** The sum of a family's samples (named `sample`, default the family's own) whose labels include `match`. */
export function total(families: Map<string, Family>, family: string, match: Record<string, string> = {}, sample = family): number {
  const f = families.get(family);
  if (!f) return 0;
  return f.samples.filter((s) => s.name === sample && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}
