import { modelNotFound } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import { probeDeployment } from "../pipeline/probe-deployment.js";
import type { ProxyServices } from "../pipeline/services.js";

/** `GET /health/liveliness` (and `/health/liveness`): the process answers. No auth. */
export const liveliness: RouteHandler = ({ res }) => sendJson(res, 200, JSON.stringify("I'm alive!"));

/** `GET /health/readiness`: ready to take traffic; 503 once draining so balancers move away. No auth. */
export function readiness(s: ProxyServices, version: string): RouteHandler {
  return ({ res }) => {
    if (s.isDraining()) {
      sendJson(res, 503, { status: "unhealthy", reason: "shutting down" });
      return;
    }
    // Degraded parts are reported but do not fail readiness: the proxy still serves (keys already
    // loaded, local counters), and taking every replica out of a load balancer would not.
    sendJson(res, 200, {
      status: "healthy",
      dheera_ai_version: version,
      models: s.router.modelNames.length,
      ...spendStoreStatus(s),
      ...(s.keys ? { virtual_keys: { backend: s.reporting.store.backend, readable: s.keys.cache.readable } } : {}),
      ...(s.limits ? { limits: s.limits.status() } : {}),
    });
  };
}

/** The spend store's health (a store that is down buffers rows and retries; requests are still served). */
function spendStoreStatus(s: ProxyServices) {
  const { store, writer } = s.reporting;
  if (store.backend === "disabled") return { spend_store: { backend: "disabled" } };
  const { pending, writeErrors, dropped } = writer.stats;
  return { spend_store: { backend: store.backend, healthy: writer.healthy, pending_rows: pending, write_errors: writeErrors, dropped_rows: dropped } };
}

const PROBE_TIMEOUT_MS = 30_000;

/**
 * `GET /health` (master key): probes every deployment (or those of `?model=<model_name>`) with
 * one small real request, in parallel, and reports each as `healthy`, `unhealthy` (with the
 * error it answered) or `cooling_down` (the router leaves it out for now; the probe result is
 * shown too). LiteLLM's shape: `healthy_endpoints`, `unhealthy_endpoints` and their counts.
 */
export function deploymentHealth(s: ProxyServices): RouteHandler {
  return async ({ ctx, res }) => {
    const model = ctx.query.get("model");
    if (model !== null && !s.router.has(model)) throw modelNotFound(model);
    const targets = model === null ? s.router.targets : s.router.group(model);
    const now = Date.now();
    const endpoints = await Promise.all(
      targets.map(async (target) => {
        const probe = await probeDeployment(target, PROBE_TIMEOUT_MS);
        const cooling = target.health.coolingDown(now);
        return {
          model_name: target.modelName,
          model: target.reference,
          deployment_id: target.id,
          api_base: target.deployment.apiBase,
          status: cooling ? "cooling_down" : probe.ok ? "healthy" : "unhealthy",
          latency_ms: probe.latencyMs,
          ...(cooling ? { cooldown_remaining_s: Math.ceil((target.health.cooldownUntil - now) / 1000), cooldown_reason: target.health.cooldownReason } : {}),
          ...(probe.error ? { error: s.redact(probe.error) } : {}),
        };
      }),
    );
    const healthy = endpoints.filter((e) => e.status === "healthy");
    const unhealthy = endpoints.filter((e) => e.status !== "healthy");
    sendJson(res, 200, { healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length });
  };
}
