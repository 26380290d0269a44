import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { SeriesCounter, SeriesHistogram, type CounterSeries, type HistogramSeries } from "./series-metrics.js";
import type { CooldownReason, LoggingPayload, RouterTarget } from "@dheera/core";
import type { LimitKind } from "../limits/limit-store.js";

/*
 * The proxy's Prometheus metrics. Every label value comes from configuration (model_name,
 * deployment id, route pattern, key alias, team) or from a short fixed list (status class, token
 * type, reason): never from request data, so a client cannot grow the series. A model_name the
 * config does not know is counted as "unknown".
 */

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];
/** The proxy's own time: tenths of a millisecond up to a quarter second. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

export const TOKEN_TYPES = ["input", "cached_input", "output", "reasoning"] as const;
/** Why a virtual key's call was refused before it reached a deployment. */
export type RejectionReason = LimitKind | "model_access";

/** What one finished model call tells the metrics: its logging payload and where it came in. */
export interface FinishedCall {
  payload: LoggingPayload;
  /** The route pattern (`/responses`, `/chat/completions`, `/responses/:id`). */
  route: string;
  /** The HTTP status the client got (499: it left first). */
  httpStatus: number;
  /** The model_name, when the config has it; else the call is counted under "unknown". */
  modelName: string;
  /** The answering (or last tried) deployment's id; "" when none was tried. */
  deployment: string;
  /** The virtual key's alias (or masked name) and team; null for the master key. */
  keyAlias: string | null;
  teamId: string | null;
}

/** Everything a scrape reads at the time of the scrape, not per request. */
export interface MetricSources {
  inFlight(): number;
  /** Every deployment, with its health here. */
  deployments(): readonly RouterTarget[];
  /** Budget left (USD) of every key and team that has a budget; read at scrape time. */
  budgets?(): Promise<{ keys: BudgetLeft[]; teams: BudgetLeft[] }>;
}

export interface BudgetLeft {
  /** key_alias (or the masked key name) for keys, team_id for teams. */
  name: string;
  teamId: string | null;
  teamAlias?: string | null;
  remaining: number;
  max: number;
}

/** The series of one (route, model_name, deployment, stream, status class): looked up once per call. */
interface CallSeries {
  requests: CounterSeries;
  duration: HistogramSeries;
}

interface AttemptSeries {
  upstream: HistogramSeries;
  attempts: CounterSeries;
}

interface DeploymentSeries {
  ttft: HistogramSeries;
  tokens: Record<(typeof TOKEN_TYPES)[number], CounterSeries>;
  spend: CounterSeries;
}

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly #httpRequests: SeriesCounter;
  readonly #requests: SeriesCounter;
  readonly #duration: SeriesHistogram;
  readonly #upstream: SeriesHistogram;
  readonly #overhead: SeriesHistogram;
  readonly #ttft: SeriesHistogram;
  readonly #tokens: SeriesCounter;
  readonly #spend: SeriesCounter;
  readonly #keySpend: SeriesCounter;
  readonly #attempts: SeriesCounter;
  readonly #retries: SeriesCounter;
  readonly #fallbacks: SeriesCounter;
  readonly #cooldowns: Counter<string>;
  readonly #rejections: Counter<string>;
  readonly #callSeries = new Map<string, CallSeries>();
  readonly #httpSeries = new Map<string, CounterSeries>();
  readonly #attemptSeries = new Map<string, AttemptSeries>();
  readonly #deploymentSeries = new Map<string, DeploymentSeries>();

  readonly #groupScrape: (() => Promise<string>) | undefined;

  /** `groupScrape(registry)`: how a scrape gets a whole process group's metrics (cluster-metrics.ts). */
  constructor(sources: MetricSources, groupScrape?: (registry: Registry) => () => Promise<string>) {
    const registers = [this.registry];
    this.#groupScrape = groupScrape?.(this.registry);
    collectDefaultMetrics({ register: this.registry });
    this.#httpRequests = new SeriesCounter(
      "dheera_http_requests_total",
      "Every HTTP request the proxy answered, by route pattern (`unmatched` for unknown paths), method and status class.",
      ["route", "method", "status_class"],
      this.registry,
    );
    this.#requests = new SeriesCounter(
      "dheera_requests_total",
      "Model calls by model_name, answering deployment, route and status class (a stream that failed midway counts as its error's class).",
      ["model_name", "deployment", "route", "status_class"],
      this.registry,
    );
    this.#duration = new SeriesHistogram(
      "dheera_request_duration_seconds",
      "Whole model calls, from the request's arrival to its last byte (streams: to the end of the stream).",
      ["model_name", "route", "stream"],
      this.registry,
      LATENCY_BUCKETS,
    );
    this.#upstream = new SeriesHistogram(
      "dheera_upstream_duration_seconds",
      "One upstream attempt: to the whole answer (JSON) or to the stream's first event (streams).",
      ["model_name", "deployment", "stream"],
      this.registry,
      LATENCY_BUCKETS,
    );
    this.#overhead = new SeriesHistogram(
      "dheera_overhead_duration_seconds",
      "The proxy's own time in a non-streamed call answered by its first attempt: whole call minus upstream time.",
      ["route"],
      this.registry,
      OVERHEAD_BUCKETS,
    );
    this.#ttft = new SeriesHistogram(
      "dheera_time_to_first_token_seconds",
      "Streams: from the request's arrival to the first output token sent to the client.",
      ["model_name", "deployment"],
      this.registry,
      TTFT_BUCKETS,
    );
    this.#tokens = new SeriesCounter(
      "dheera_tokens_total",
      "Tokens by type as the upstream reported them: input (cached_input is part of it), output (reasoning is part of it).",
      ["model_name", "deployment", "type"],
      this.registry,
    );
    this.#spend = new SeriesCounter(
      "dheera_spend_usd_total",
      "Cost of model calls in USD, from the deployments' prices.",
      ["model_name", "deployment"],
      this.registry,
    );
    this.#keySpend = new SeriesCounter(
      "dheera_virtual_key_spend_usd_total",
      "Cost of virtual keys' calls in USD, by key alias (or masked key name) and team.",
      ["key_alias", "team_id"],
      this.registry,
    );
    this.#attempts = new SeriesCounter(
      "dheera_deployment_attempts_total",
      "Upstream attempts by deployment and outcome: a status class, or `network` when no answer came.",
      ["model_name", "deployment", "status_class"],
      this.registry,
    );
    this.#retries = new SeriesCounter(
      "dheera_retries_total",
      "Upstream attempts after a model call's first one (retries and fallbacks), by the model_name the client asked for.",
      ["model_name"],
      this.registry,
    );
    this.#fallbacks = new SeriesCounter(
      "dheera_fallbacks_total",
      "Model calls a fallback model_name answered or last failed on, by requested and fallback model_name.",
      ["model_name", "fallback_model", "outcome"],
      this.registry,
    );
    this.#cooldowns = new Counter({
      name: "dheera_deployment_cooldowns_total",
      help: "Cooldowns this process started, by deployment and reason (failures, rate_limited, misconfigured).",
      labelNames: ["model_name", "deployment", "reason"],
      registers,
    });
    this.#rejections = new Counter({
      name: "dheera_limit_rejections_total",
      help: "Virtual keys' calls refused before any upstream: rpm, tpm, max_parallel, budget or model_access; by key or team.",
      labelNames: ["reason", "scope"],
      registers,
    });
    new Gauge({
      name: "dheera_requests_in_flight",
      help: "HTTP requests being served now (streams included).",
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    const deploymentState = new Gauge({
      name: "dheera_deployment_state",
      help: "Each deployment as this process routes to it: 0 healthy, 1 failing recently (taking few requests), 2 cooling down.",
      labelNames: ["model_name", "deployment"],
      registers,
      // Several workers each judge for themselves: show the worst.
      aggregator: "max",
      collect() {
        const now = Date.now();
        for (const t of sources.deployments()) {
          deploymentState.set({ model_name: t.modelName, deployment: t.id }, t.health.coolingDown(now) ? 2 : t.health.failsInARow > 0 ? 1 : 0);
        }
      },
    });
    if (sources.budgets) {
      const budgets = sources.budgets;
      // Both gauges are collected by the same scrape: one read of the budgets serves the two.
      let reading: Promise<void> | undefined;
      const read = () =>
        (reading ??= budgets()
          .then(({ keys, teams }) => {
            keyLeft.reset();
            teamLeft.reset();
            for (const k of keys) keyLeft.set({ key_alias: k.name, team_id: k.teamId ?? "" }, k.remaining);
            for (const t of teams) teamLeft.set({ team_id: t.name, team_alias: t.teamAlias ?? "" }, t.remaining);
          })
          .finally(() => (reading = undefined)));
      const keyLeft = new Gauge({
        name: "dheera_key_budget_remaining_usd",
        help: "USD left in the current budget period of each virtual key with max_budget.",
        labelNames: ["key_alias", "team_id"],
        registers,
        // Without Redis each worker counts alone: show the least left.
        aggregator: "min",
        collect: read,
      });
      const teamLeft = new Gauge({
        name: "dheera_team_budget_remaining_usd",
        help: "USD left in the current budget period of each team with max_budget.",
        labelNames: ["team_id", "team_alias"],
        registers,
        aggregator: "min",
        collect: read,
      });
    }
  }

  /** Every HTTP request, when its response is done. */
  requestFinished(route: string, method: string, status: number): void {
    const statusText = statusClass(status);
    const id = `${route}\u0000${method}\u0000${statusText}`;
    let series = this.#httpSeries.get(id);
    if (series === undefined) {
      series = this.#httpRequests.series([route, KNOWN_METHODS.has(method) ? method : "other", statusText]);
      this.#httpSeries.set(id, series);
    }
    series.value++;
  }

  /** A model call, once its logging payload is built. */
  callFinished(call: FinishedCall): void {
    const { payload, modelName, deployment } = call;
    const status = payload.error?.status ?? call.httpStatus;
    const stream = payload.stream ? "true" : "false";
    const series = this.#seriesOf(call.route, modelName, deployment, stream, statusClass(status));
    series.requests.value++;
    series.duration.observe(payload.latency_ms / 1000);

    const attempts = payload.attempts;
    if (attempts !== undefined) {
      for (const a of attempts) {
        const attempt = this.#attemptSeriesOf(a.model_name, a.deployment, stream, a.status < 100 ? "network" : statusClass(a.status));
        attempt.upstream.observe(a.latency_ms / 1000);
        attempt.attempts.value++;
      }
      if (attempts.length > 1) this.#retries.series([modelName]).value += attempts.length - 1;
      const fallback = payload.metadata.fallback_model;
      if (typeof fallback === "string") this.#fallbacks.series([modelName, fallback, payload.status]).value++;
      if (!payload.stream && attempts.length === 1) {
        this.#overhead.series([call.route]).observe(Math.max(0, payload.latency_ms - attempts[0]!.latency_ms) / 1000);
      }
    }
    if (deployment === "") return;
    const d = this.#deploymentSeriesOf(modelName, deployment);
    if (payload.time_to_first_token_ms !== null) d.ttft.observe(payload.time_to_first_token_ms / 1000);
    const usage = payload.usage;
    if (usage) {
      d.tokens.input.value += usage.input_tokens;
      d.tokens.cached_input.value += usage.cached_input_tokens;
      d.tokens.output.value += usage.output_tokens;
      d.tokens.reasoning.value += usage.reasoning_tokens;
    }
    if (payload.cost !== null && payload.cost > 0) {
      d.spend.value += payload.cost;
      if (call.keyAlias !== null) this.#keySpend.series([call.keyAlias, call.teamId ?? ""]).value += payload.cost;
    }
  }

  /** The router started cooling a deployment down here. */
  cooldown(target: RouterTarget, reason: CooldownReason): void {
    this.#cooldowns.labels(target.modelName, target.id, reason).inc();
  }

  /** A virtual key's call was refused by its limits or models. */
  rejected(reason: RejectionReason, scope: "key" | "team"): void {
    this.#rejections.labels(reason, scope).inc();
  }

  /** The exposition text: of this process, or of its whole process group. */
  scrape(): Promise<string> {
    return this.#groupScrape ? this.#groupScrape() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #seriesOf(route: string, model: string, deployment: string, stream: string, status: string): CallSeries {
    const id = `${route}\u0000${model}\u0000${deployment}\u0000${stream}\u0000${status}`;
    let series = this.#callSeries.get(id);
    if (series === undefined) {
      series = { requests: this.#requests.series([model, deployment, route, status]), duration: this.#duration.series([model, route, stream]) };
      this.#callSeries.set(id, series);
    }
    return series;
  }

  #attemptSeriesOf(model: string, deployment: string, stream: string, status: string): AttemptSeries {
    const id = `${model}\u0000${deployment}\u0000${stream}\u0000${status}`;
    let series = this.#attemptSeries.get(id);
    if (series === undefined) {
      series = { upstream: this.#upstream.series([model, deployment, stream]), attempts: this.#attempts.series([model, deployment, status]) };
      this.#attemptSeries.set(id, series);
    }
    return series;
  }

  #deploymentSeriesOf(model: string, deployment: string): DeploymentSeries {
    const id = `${model}\u0000${deployment}`;
    let series = this.#deploymentSeries.get(id);
    if (series === undefined) {
      const tokens = Object.fromEntries(TOKEN_TYPES.map((t) => [t, this.#tokens.series([model, deployment, t])])) as DeploymentSeries["tokens"];
      series = { ttft: this.#ttft.series([model, deployment]), tokens, spend: this.#spend.series([model, deployment]) };
      this.#deploymentSeries.set(id, series);
    }
    return series;
  }
}

/** Node's parser accepts a few dozen methods; anything but these few is counted together. */
const KNOWN_METHODS = new Set(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]);

const STATUS_CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? STATUS_CLASSES[Math.floor(status / 100)]! : "other";
}
