/**
 * The spend worker: a `worker_threads` worker that owns the better-sqlite3 connection, so the
 * inserts (and the WAL checkpoints) never block the proxy's event loop. The main thread
 * (sqlite-spend-store.ts) posts requests `{ id, op, args }` (rows as plain objects, in batches)
 * and gets `{ id, ok, value | error }` back; a batch is committed before its reply is sent.
 * Built as its own tsup entry (dist/spend-worker.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { openSqliteSpendDatabase, type SqliteSpendDatabase } from "./sqlite-database.js";

export interface SpendWorkerData {
  location: string;
  /** Passive WAL checkpoint period, ms. */
  checkpointIntervalMs: number;
}

export type SpendWorkerRequest = { id: number; op: "migrate" | "insert" | "logs" | "summary" | "query" | "execute" | "close"; args: unknown[] };
export type SpendWorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; name?: string; code?: string } }
  /** Sent once at start: id 0, the connection is open (or could not be opened). */
  | { id: 0; ok: true; value: "ready" };

const port = parentPort;
if (!port) throw new Error("spend-worker.js runs as a worker thread");
const { location, checkpointIntervalMs } = workerData as SpendWorkerData;

let db: SqliteSpendDatabase | undefined;
try {
  db = openSqliteSpendDatabase(Database, location, { manualCheckpoint: true });
  port.postMessage({ id: 0, ok: true, value: "ready" } satisfies SpendWorkerReply);
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: describe(err) } satisfies SpendWorkerReply);
  port.close();
}

let writesSinceCheckpoint = 0;
const checkpointTimer = setInterval(() => {
  if (writesSinceCheckpoint === 0) return;
  writesSinceCheckpoint = 0;
  try {
    db?.checkpoint();
  } catch {
    // A busy database is checkpointed next time.
  }
}, checkpointIntervalMs);
// The port keeps the worker alive, not the timer.
checkpointTimer.unref();

port.on("message", (message: SpendWorkerRequest) => {
  const { id, op, args } = message;
  try {
    if (!db) throw new Error("the spend database is closed");
    let value: unknown;
    switch (op) {
      case "migrate":
        value = db.migrate();
        break;
      case "insert":
        db.insert(args[0] as Parameters<SqliteSpendDatabase["insert"]>[0]);
        writesSinceCheckpoint++;
        break;
      case "logs":
        value = db.logs(args[0] as Parameters<SqliteSpendDatabase["logs"]>[0], args[1] as number);
        break;
      case "summary":
        value = db.summary(args[0] as Parameters<SqliteSpendDatabase["summary"]>[0]);
        break;
      case "query":
        value = db.query(args[0] as string, args[1] as Parameters<SqliteSpendDatabase["query"]>[1]);
        break;
      case "execute":
        value = db.execute(args[0] as Parameters<SqliteSpendDatabase["execute"]>[0]);
        writesSinceCheckpoint++;
        break;
      case "close":
        clearInterval(checkpointTimer);
        // Closing the last connection checkpoints the WAL into the file.
        db.close();
        db = undefined;
        break;
    }
    port.postMessage({ id, ok: true, value } satisfies SpendWorkerReply);
    if (op === "close") port.close();
  } catch (err) {
    port.postMessage({ id, ok: false, error: describe(err) } satisfies SpendWorkerReply);
  }
});

function describe(err: unknown): { message: string; name?: string; code?: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? { message: err.message, name: err.name, code } : { message: err.message, name: err.name };
}
