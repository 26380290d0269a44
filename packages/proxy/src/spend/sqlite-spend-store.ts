import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { openSqliteSpendDatabase } from "./sqlite-database.js";
import type { SpendWorkerData, SpendWorkerReply, SpendWorkerRequest } from "./spend-worker.js";
import type { SpendStore } from "./spend-store.js";
import type { SqlValue } from "./sql-runner.js";

/** WAL checkpoints are manual (the automatic one stalls a commit); the worker runs one this often. */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The embedded spend store: one SQLite file (better-sqlite3) in WAL mode, so readers never wait
 * for the writer and several processes (workers, a second proxy on the same host) can share the
 * file. `synchronous = NORMAL`: a committed batch survives the process being killed (kill -9);
 * only a power cut can lose the last commits.
 *
 * The connection lives in a worker thread (spend-worker.ts, built to dist/spend-worker.js next to
 * this module's bundle): batches are posted to it and `insert` resolves once the worker has
 * committed them, so the event loop never waits for SQLite (inserts, migrations, WAL checkpoints).
 * Running from source (tests), where no built worker sits next to this file, the same database
 * code runs in-thread.
 */
export async function openSqliteSpendStore(file: string): Promise<SpendStore> {
  const location = file === ":memory:" ? ":memory:" : path.resolve(file);
  const workerUrl = new URL("./spend-worker.js", import.meta.url);
  if (workerUrl.protocol === "file:" && existsSync(fileURLToPath(workerUrl))) return openWorkerStore(workerUrl, location);
  return openInThreadStore(location);
}

async function openInThreadStore(location: string): Promise<SpendStore> {
  const { default: Database } = await import("better-sqlite3");
  const db = openSqliteSpendDatabase(Database, location);
  return {
    backend: "sqlite",
    location,
    migrate: async () => db.migrate(),
    insert: async (rows) => db.insert(rows),
    logs: async (filter, limit) => db.logs(filter, limit),
    summary: async (filter) => db.summary(filter),
    sql: {
      dialect: "sqlite",
      query: async <T>(sql: string, params: readonly SqlValue[] = []) => db.query(sql, params) as T[],
      execute: async (statements) => db.execute(statements),
    },
    close: async () => db.close(),
  };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

async function openWorkerStore(workerUrl: URL, location: string): Promise<SpendStore> {
  let worker: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, Pending>();

  const errorOf = (e: { message: string; name?: string; code?: string }) => Object.assign(new Error(e.message), e.name ? { name: e.name } : {}, e.code ? { code: e.code } : {});

  // A worker whose connection failed or that died is replaced by the next call (the writer retries).
  const start = () =>
    (starting ??= new Promise<Worker>((resolve, reject) => {
      const w = new Worker(workerUrl, { workerData: { location, checkpointIntervalMs: CHECKPOINT_INTERVAL_MS } satisfies SpendWorkerData });
      // Only the start and outstanding calls keep the process alive (a flush at SIGTERM is
      // awaited to the end); an idle worker never holds the exit.
      let ready = false;
      const fail = (err: Error) => {
        if (worker === w) worker = undefined;
        starting = undefined;
        if (!ready) reject(err);
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      };
      w.on("message", (reply: SpendWorkerReply) => {
        if (reply.id === 0) {
          if (reply.ok) {
            ready = true;
            worker = w;
            if (pending.size === 0) w.unref();
            resolve(w);
          } else fail(errorOf(reply.error));
          return;
        }
        const call = pending.get(reply.id);
        if (!call) return;
        pending.delete(reply.id);
        if (pending.size === 0) w.unref();
        if (reply.ok) call.resolve(reply.value);
        else call.reject(errorOf(reply.error));
      });
      w.on("error", (err) => fail(err));
      w.on("exit", (code) => fail(new Error(`the spend worker exited (code ${code})`)));
    }));

  const call = async <T>(op: SpendWorkerRequest["op"], ...args: unknown[]): Promise<T> => {
    if (closed && op !== "close") throw new Error("the spend store is closed");
    const w = worker ?? (await start());
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      w.ref();
      try {
        w.postMessage({ id, op, args } satisfies SpendWorkerRequest);
      } catch (err) {
        // Not cloneable: nothing was sent, so no reply will come.
        pending.delete(id);
        if (pending.size === 0) w.unref();
        reject(err as Error);
      }
    });
  };

  // The file is opened (and a bad path reported) before the proxy starts serving.
  await start();

  return {
    backend: "sqlite",
    location,
    migrate: () => call("migrate"),
    insert: (rows) => call("insert", rows),
    logs: (filter, limit) => call("logs", filter, limit),
    summary: (filter) => call("summary", filter),
    sql: {
      dialect: "sqlite",
      query: <T>(sql: string, params: readonly SqlValue[] = []) => call<T[]>("query", sql, params),
      execute: (statements) => call<number[]>("execute", statements),
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!worker) return;
      const w = worker;
      try {
        await call("close");
      } finally {
        await w.terminate();
      }
    },
  };
}
