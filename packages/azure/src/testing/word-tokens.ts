/**
 * The emulator's tokenizer: one token per whitespace-separated word, so usage numbers in tests
 * can be worked out by hand.
 */

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

/** The first `limit` words of `text`, keeping the original spacing between them. */
export function truncateWords(text: string, limit: number): string {
  if (limit <= 0) return "";
  const pieces = text.match(/\s*\S+/g) ?? [];
  if (pieces.length <= limit) return text;
  return pieces.slice(0, limit).join("").trimStart();
}

/** Deltas of about one word each (`"Once"`, `" upon"`, …); they concatenate back to `text`. */
export function splitWordDeltas(text: string): string[] {
  const pieces: string[] = [...(text.match(/\s*\S+/g) ?? [])];
  const joined = pieces.join("");
  const rest = text.slice(joined.length);
  if (rest !== "") {
    if (pieces.length === 0) pieces.push(rest);
    else pieces[pieces.length - 1] += rest;
  }
  return pieces;
}

/** Fixed-size slices (tool-call arguments stream in small pieces like `{"`, `city`, `":"`). */
export function splitChunks(text: string, size = 6): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
