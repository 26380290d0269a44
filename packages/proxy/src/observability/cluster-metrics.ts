import cluster from "node:cluster";
import { AggregatorRegistry, type PrometheusContentType, type Registry } from "prom-client";

/*
 * With --num_workers N, a scrape reaches one worker, but must show the whole process group. The
 * worker asks the primary, which asks every worker for its metrics (prom-client's cluster
 * protocol), adds them up (counters and histograms summed; gauges as each declares) and answers.
 */

/** Set by `dheera_ai`'s primary in the workers it forks (a worker of someone else's cluster scrapes itself). */
export const GROUP_METRICS_ENV = "DHEERA_GROUP_METRICS";
const ASK = "dheera:metrics-ask";
const ANSWER = "dheera:metrics-answer";
const ANSWER_TIMEOUT_MS = 10_000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/**
 * In a worker: makes `registry` the one the primary collects (call once, at start-up, so a
 * worker that never gets a scrape still answers the primary), and returns the group-wide scrape.
 */
export function workerScrape(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one adds the worker's listener for the primary's requests.
  new AggregatorRegistry();
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on("message", (message: Answer) => {
    if (message?.type !== ANSWER) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`The primary could not collect the workers' metrics: ${message.error ?? "no answer"}`));
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error("The primary did not answer for the workers' metrics in time."));
      }, ANSWER_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send!({ type: ASK, id });
    });
}

/** In the primary: answers workers' requests for the whole group's metrics. */
export function serveClusterMetrics(): void {
  let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;
  cluster.on("message", (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== ASK) return;
    aggregator ??= new AggregatorRegistry();
    const reply = (answer: Omit<Answer, "type" | "id">) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text: string) => reply({ text }),
      (err: Error) => reply({ error: err.message }),
    );
  });
}
