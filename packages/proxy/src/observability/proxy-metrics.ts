import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
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

/** The series of one (route, model_name, deployment, stream, status class): labels hashed once, not per request. */
interface CallSeries {
  requests: Counter.Internal;
  duration: Histogram.Internal<string>;
}

interface DeploymentSeries {
  ttft: Histogram.Internal<string>;
  tokens: Record<(typeof TOKEN_TYPES)[number], Counter.Internal>;
  spend: Counter.Internal;
}

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly #httpRequests: Counter<string>;
  readonly #requests: Counter<string>;
  readonly #duration: Histogram<string>;
  readonly #upstream: Histogram<string>;
  readonly #overhead: Histogram<string>;
  readonly #ttft: Histogram<string>;
  readonly #tokens: Counter<string>;
  readonly #spend: Counter<string>;
  readonly #keySpend: Counter<string>;
  readonly #attempts: Counter<string>;
  readonly #retries: Counter<string>;
  readonly #fallbacks: Counter<string>;
  readonly #cooldowns: Counter<string>;
  readonly #rejections: Counter<string>;
  readonly #callSeries = new Map<string, CallSeries>();
  readonly #deploymentSeries = new Map<string, DeploymentSeries>();

  readonly #groupScrape: (() => Promise<string>) | undefined;

  /** `groupScrape(registry)`: how a scrape gets a whole process group's metrics (cluster-metrics.ts). */
  constructor(sources: MetricSources, groupScrape?: (registry: Registry) => () => Promise<string>) {
    const registers = [this.registry];
    this.#groupScrape = groupScrape?.(this.registry);
    collectDefaultMetrics({ register: this.registry });
    this.#httpRequests = new Counter({
      name: "dheera_http_requests_total",
      help: "Every HTTP request the proxy answered, by route pattern (`unmatched` for unknown paths), method and status class.",
      labelNames: ["route", "method", "status_class"],
      registers,
    });
    this.#requests = new Counter({
      name: "dheera_requests_total",
      help: "Model calls by model_name, answering deployment, route and status class (a stream that failed midway counts as its error's class).",
      labelNames: ["model_name", "deployment", "route", "status_class"],
      registers,
    });
    this.#duration = new Histogram({
      name: "dheera_request_duration_seconds",
      help: "Whole model calls, from the request's arrival to its last byte (streams: to the end of the stream).",
      labelNames: ["model_name", "route", "stream"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#upstream = new Histogram({
      name: "dheera_upstream_duration_seconds",
      help: "One upstream attempt: to the whole answer (JSON) or to the stream's first event (streams).",
      labelNames: ["model_name", "deployment", "stream"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#overhead = new Histogram({
      name: "dheera_overhead_duration_seconds",
      help: "The proxy's own time in a non-streamed call answered by its first attempt: whole call minus upstream time.",
      labelNames: ["route"],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.#ttft = new Histogram({
      name: "dheera_time_to_first_token_seconds",
      help: "Streams: from the request's arrival to the first output token sent to the client.",
      labelNames: ["model_name", "deployment"],
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.#tokens = new Counter({
      name: "dheera_tokens_total",
      help: "Tokens by type as the upstream reported them: input (cached_input is part of it), output (reasoning is part of it).",
      labelNames: ["model_name", "deployment", "type"],
      registers,
    });
    this.#spend = new Counter({
      name: "dheera_spend_usd_total",
      help: "Cost of model calls in USD, from the deployments' prices.",
      labelNames: ["model_name", "deployment"],
      registers,
    });
    this.#keySpend = new Counter({
      name: "dheera_virtual_key_spend_usd_total",
      help: "Cost of virtual keys' calls in USD, by key alias (or masked key name) and team.",
      labelNames: ["key_alias", "team_id"],
      registers,
    });
    this.#attempts = new Counter({
      name: "dheera_deployment_attempts_total",
      help: "Upstream attempts by deployment and outcome: a status class, or `network` when no answer came.",
      labelNames: ["model_name", "deployment", "status_class"],
      registers,
    });
    this.#retries = new Counter({
      name: "dheera_retries_total",
      help: "Upstream attempts after a model call's first one (retries and fallbacks), by the model_name the client asked for.",
      labelNames: ["model_name"],
      registers,
    });
    this.#fallbacks = new Counter({
      name: "dheera_fallbacks_total",
      help: "Model calls a fallback model_name answered or last failed on, by requested and fallback model_name.",
      labelNames: ["model_name", "fallback_model", "outcome"],
      registers,
    });
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
    this.#httpRequests.inc({ route, method, status_class: statusClass(status) });
  }

  /** A model call, once its logging payload is built. */
  callFinished(call: FinishedCall): void {
    const { payload, modelName, deployment } = call;
    const status = payload.error?.status ?? call.httpStatus;
    const stream = payload.stream ? "true" : "false";
    const series = this.#seriesOf(call.route, modelName, deployment, stream, statusClass(status));
    series.requests.inc();
    series.duration.observe(payload.latency_ms / 1000);

    const attempts = payload.attempts;
    if (attempts !== undefined) {
      for (const a of attempts) {
        const model = a.model_name;
        this.#upstream.labels(model, a.deployment, stream).observe(a.latency_ms / 1000);
        this.#attempts.labels(model, a.deployment, a.status < 100 ? "network" : statusClass(a.status)).inc();
      }
      if (attempts.length > 1) this.#retries.labels(modelName).inc(attempts.length - 1);
      const fallback = payload.metadata.fallback_model;
      if (typeof fallback === "string") this.#fallbacks.labels(modelName, fallback, payload.status).inc();
      if (!payload.stream && attempts.length === 1) {
        this.#overhead.labels(call.route).observe(Math.max(0, payload.latency_ms - attempts[0]!.latency_ms) / 1000);
      }
    }
    if (deployment === "") return;
    const d = this.#deploymentSeriesOf(modelName, deployment);
    if (payload.time_to_first_token_ms !== null) d.ttft.observe(payload.time_to_first_token_ms / 1000);
    const usage = payload.usage;
    if (usage) {
      if (usage.input_tokens > 0) d.tokens.input.inc(usage.input_tokens);
      if (usage.cached_input_tokens > 0) d.tokens.cached_input.inc(usage.cached_input_tokens);
      if (usage.output_tokens > 0) d.tokens.output.inc(usage.output_tokens);
      if (usage.reasoning_tokens > 0) d.tokens.reasoning.inc(usage.reasoning_tokens);
    }
    if (payload.cost !== null && payload.cost > 0) {
      d.spend.inc(payload.cost);
      if (call.keyAlias !== null) this.#keySpend.labels(call.keyAlias, call.teamId ?? "").inc(payload.cost);
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
      series = { requests: this.#requests.labels(model, deployment, route, status), duration: this.#duration.labels(model, route, stream) };
      this.#callSeries.set(id, series);
    }
    return series;
  }

  #deploymentSeriesOf(model: string, deployment: string): DeploymentSeries {
    const id = `${model}\u0000${deployment}`;
    let series = this.#deploymentSeries.get(id);
    if (series === undefined) {
      const tokens = Object.fromEntries(TOKEN_TYPES.map((t) => [t, this.#tokens.labels(model, deployment, t)])) as DeploymentSeries["tokens"];
      series = { ttft: this.#ttft.labels(model, deployment), tokens, spend: this.#spend.labels(model, deployment) };
      this.#deploymentSeries.set(id, series);
    }
    return series;
  }
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}
