/** One server-sent event as it travels: the optional `event:` name and the raw `data:` text. */
export interface SseMessage {
  event?: string | undefined;
  data: string;
}

const encoder = new TextEncoder();

/** `event: name\ndata: ...\n\n` (or data only when there is no name), as bytes. */
export function encodeSseMessage(message: SseMessage): Uint8Array {
  return encoder.encode(formatSseMessage(message));
}

/**
 * A data payload with line breaks is split over several `data:` lines so it stays one event.
 * SSE has no escape for a bare CR: every line break (LF, CRLF, CR) comes back as LF, and a line
 * break inside an event name, which would start a forged field, is dropped.
 */
export function formatSseMessage({ event, data }: SseMessage): string {
  if (LINE_BREAK.test(data) || (event !== undefined && (event === "" || LINE_BREAK.test(event)))) return formatSplit(event, data);
  // The usual case, and always so for JSON.stringify output: one line, nothing to split.
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

const LINE_BREAK = /[\r\n]/;

function formatSplit(event: string | undefined, data: string): string {
  const body = data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join("\n");
  const name = event?.replace(/[\r\n]/g, "");
  return name ? `event: ${name}\n${body}\n\n` : `${body}\n\n`;
}
