import type { LoggingPayload } from "@dheera/core";
import type { LogSink } from "./log-sink.js";

/**
 * `{ type: "stdout" }`: one JSON line per payload. Lines are gathered and written in a later
 * macrotask (setImmediate), after the response is out, through the same writer as the logs so
 * lines never interleave mid-line.
 */
export function createStdoutSink(writeLine: (text: string) => void): LogSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    writeLine(text);
  };
  return {
    name: "stdout",
    send(payload: LoggingPayload) {
      pending.push(`${JSON.stringify(payload)}\n`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    async close() {
      flush();
    },
  };
}
