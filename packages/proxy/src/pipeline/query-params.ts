import type { QueryParams } from "@dheera/core";

/** `include[]=a&include[]=b` and `include=a&include=b` both become `include: [a, b]`. */
export function queryParams(query: URLSearchParams): QueryParams {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of query) {
    const key = rawKey.endsWith("[]") ? rawKey.slice(0, -2) : rawKey;
    const prev = out[key];
    out[key] = prev === undefined ? (rawKey.endsWith("[]") ? [value] : value) : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
