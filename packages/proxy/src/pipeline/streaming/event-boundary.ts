/** Where SSE events end in a run of bytes: the relays hold back what follows the last boundary. */

const LF = 0x0a;
const BLANK_LF = Buffer.from("\n\n");
const BLANK_CRLF = Buffer.from("\r\n\r\n");
const BLANK_CR = Buffer.from("\r\r");

/** The index just past the last blank line in `buf` (0 when there is none). */
export function lastBoundaryEnd(buf: Buffer): number {
  const n = buf.length;
  // The usual case: the chunk ends with its event's blank line.
  if (n >= 2 && buf[n - 1] === LF && buf[n - 2] === LF) return n;
  const a = buf.lastIndexOf(BLANK_LF);
  const b = buf.lastIndexOf(BLANK_CRLF);
  const c = buf.lastIndexOf(BLANK_CR);
  return Math.max(a === -1 ? 0 : a + 2, b === -1 ? 0 : b + 4, c === -1 ? 0 : c + 2);
}
