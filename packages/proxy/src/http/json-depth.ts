/**
 * How deeply arrays and objects nest in a JSON text, counted on its bytes before anything parses
 * it, stopping once past `limit`. Strings are skipped with native `indexOf`, so a request body
 * costs a fraction of its JSON.parse. A client can send JSON nested thousands deep in a few KB;
 * serializers and validators recurse, and would fail on it with a stack overflow.
 */
export function jsonDepthExceeds(buf: Buffer, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      i = closingQuote(buf, i);
      if (i === -1) return false; // not JSON: the parser says so
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The index of the quote that closes the string opened at `open` (-1: none). */
function closingQuote(buf: Buffer, open: number): number {
  let i = open;
  for (;;) {
    i = buf.indexOf(QUOTE, i + 1);
    if (i === -1) return -1;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let b = i - 1; buf[b] === BACKSLASH; b--) backslashes++;
    if ((backslashes & 1) === 0) return i;
  }
}
