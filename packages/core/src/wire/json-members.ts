/**
 * The values of a few top-level members of a JSON object, read from its text without building
 * the whole object: a relay that passes the upstream's body on as it is only needs `id`, `status`
 * or `usage`, and `JSON.parse` of the whole body (its `output` is most of it) was the biggest
 * single cost of a proxied request (apps/bench). Strings are skipped with `indexOf`, so the cost
 * is close to one pass over the structural characters.
 *
 * Returns undefined when the text does not hold one JSON object at the top level (a truncated
 * body, unbalanced brackets, an unterminated string, trailing text); the caller then parses it
 * properly and reports what is wrong. A wanted member's value is parsed by `JSON.parse`, so it is
 * exact; the other members are skipped, not checked. `from` and `to` read an object inside a
 * larger text (a member's value found by `scanJsonObject`).
 */
export function readJsonMembers(text: string, wanted: readonly string[], from = 0, to = text.length): Record<string, unknown> | undefined {
  // No prototype: a member named "__proto__" is data, as it is for JSON.parse.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const ok = scanJsonObject(text, from, to, (key, start, end) => {
    if (!wanted.includes(key)) return true;
    const value = jsonValueAt(text, start, end);
    if (value === INVALID) return false;
    out[key] = value;
    return true;
  });
  return ok ? out : undefined;
}

/** What `jsonValueAt` returns for text that is not one JSON value. */
export const INVALID: unique symbol = Symbol("invalid JSON");

/**
 * The JSON value in `text[start, end)` (a span from `scanJsonObject` / `scanJsonArray`), or
 * `INVALID`. `null`, `true` and `false` are read without `JSON.parse`. Strings go through it on
 * purpose: `text.slice` would return a V8 sliced string that keeps the whole text alive for as long
 * as the value lives (a stream's response id kept its 1 KB `response.created` event), while
 * `JSON.parse` of the quoted span makes a copy, for about 90 ns.
 */
export function jsonValueAt(text: string, start: number, end: number): unknown {
  const c = text.charCodeAt(start);
  if (c === 0x6e /* n */ && end - start === 4 && text.startsWith("null", start)) return null;
  if (c === 0x74 /* t */ && end - start === 4 && text.startsWith("true", start)) return true;
  if (c === 0x66 /* f */ && end - start === 5 && text.startsWith("false", start)) return false;
  try {
    return JSON.parse(text.slice(start, end)) as unknown;
  } catch {
    return INVALID;
  }
}

/**
 * Visits the members of the JSON object in `text[from, to)` (surrounding white space allowed):
 * `visit` gets each member's name and the span of its value and returns false to stop. True when
 * the span holds one object and every visit returned true.
 */
export function scanJsonObject(text: string, from: number, to: number, visit: (key: string, start: number, end: number) => boolean): boolean {
  let i = skipSpace(text, from, to);
  if (text.charCodeAt(i) !== OPEN_OBJECT) return false;
  i = skipSpace(text, i + 1, to);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return skipSpace(text, i + 1, to) === to;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return false;
    const keyEnd = skipString(text, i, to);
    if (keyEnd < 0) return false;
    const rawKey = text.slice(i + 1, keyEnd - 1);
    i = skipSpace(text, keyEnd, to);
    if (text.charCodeAt(i) !== COLON) return false;
    const start = skipSpace(text, i + 1, to);
    const end = skipValue(text, start, to);
    if (end < 0) return false;
    const key = rawKey.includes("\\") ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
    if (!visit(key, start, end)) return false;
    i = skipSpace(text, end, to);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i = skipSpace(text, i + 1, to);
      continue;
    }
    return c === CLOSE_OBJECT && skipSpace(text, i + 1, to) === to;
  }
}

/** Like `scanJsonObject`, for the elements of the JSON array in `text[from, to)`. */
export function scanJsonArray(text: string, from: number, to: number, visit: (start: number, end: number) => boolean): boolean {
  let i = skipSpace(text, from, to);
  if (text.charCodeAt(i) !== OPEN_ARRAY) return false;
  i = skipSpace(text, i + 1, to);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return skipSpace(text, i + 1, to) === to;
  for (;;) {
    const end = skipValue(text, i, to);
    if (end < 0 || !visit(i, end)) return false;
    i = skipSpace(text, end, to);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i = skipSpace(text, i + 1, to);
      continue;
    }
    return c === CLOSE_ARRAY && skipSpace(text, i + 1, to) === to;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function skipSpace(text: string, i: number, to: number): number {
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return to;
}

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function skipString(text: string, i: number, to: number): number {
  let from = i + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0 || q >= to) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** `i` is at the first character of a value; returns the index after it, or -1. */
function skipValue(text: string, i: number, to: number): number {
  if (i >= to) return -1;
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i, to);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    while (i < to) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(text, i, to);
        if (i < 0) return -1;
        continue;
      }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter (JSON.parse of the member checks it).
  const start = i;
  while (i < to) {
    const d = text.charCodeAt(i);
    if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    i++;
  }
  return i > start ? i : -1;
}
