import { describe, expect, it } from "vitest";
import { DheeraError, InvalidRequestError, RateLimitError, UpstreamConnectionError, UpstreamError } from "../errors/dheera-error.js";
import type { Deployment } from "../provider/deployment.js";
import type { RoutedDeployment } from "./model-list.js";
import { Router, type Attempt, type AttemptRecord, type RouteRequest } from "./router.js";
import { deploymentRouting, type DeploymentRoutingParams, type RouterSettings } from "./router-settings.js";

/** Deployments the router sees; what each answers is up to the test's attempt function. */
function deployments(spec: [modelName: string, id: string, routing?: DeploymentRoutingParams][]): RoutedDeployment[] {
  return spec.map(([modelName, id, routing], index) => ({
    index,
    modelName,
    reference: `fake/${id}`,
    id,
    deployment: { provider: "fake", name: id, apiBase: "http://fake", native: { responses: true, chat: true }, responses: {} as never, chat: {} as never } satisfies Deployment,
    routing: deploymentRouting(routing),
  }));
}

/** A router on a fake clock whose waits advance the clock instead of sleeping. */
function fakeRouter(list: RoutedDeployment[], settings: RouterSettings = {}, random = () => 0.5) {
  const clock = { now: 1_000_000 };
  const waits: number[] = [];
  const router = new Router(list, settings, {
    now: () => clock.now,
    random,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      clock.now += ms;
    },
  });
  return { router, clock, waits };
}

const serverError = () => new UpstreamError("boom", { status: 500, code: "server_error" });

function run(router: Router, answer: (a: Attempt) => string | Promise<string>, extra: Partial<RouteRequest<string>> = {}) {
  const records: AttemptRecord[] = [];
  const done = router.run<string>({ model: "m", operation: "responses", stream: false, attempt: async (a) => answer(a), onAttempt: (r) => records.push(r), ...extra });
  return { done, records };
}

describe("Router: retries", () => {
  it("moves a 500 to the other deployment at once and says how many attempts it took", async () => {
    const { router, waits } = fakeRouter(deployments([["m", "a"], ["m", "b"]]), { routing_strategy: "round-robin" });
    const { done, records } = run(router, (a) => {
      if (a.target.id === "a") throw serverError();
      return "ok from b";
    });
    const result = await done;
    expect(result).toMatchObject({ value: "ok from b", attempts: 2, fallbackModel: null });
    expect(result.target.id).toBe("b");
    expect(records.map((r) => [r.deployment, r.status])).toEqual([["a", 500], ["b", 200]]);
    expect(waits).toEqual([]);
  });

  it("does not retry the client's own mistake", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["m", "b"]]));
    let calls = 0;
    const { done } = run(router, () => {
      calls++;
      throw new InvalidRequestError("Unknown parameter: 'foo'.", { code: "unknown_parameter" });
    });
    await expect(done).rejects.toMatchObject({ status: 400, code: "unknown_parameter" });
    expect(calls).toBe(1);
  });

  it("waits the upstream's retry-after-ms when no other deployment is healthy, and a long one is answered at once", async () => {
    const { router, waits } = fakeRouter(deployments([["m", "a"]]));
    let calls = 0;
    await expect(
      run(router, () => {
        calls++;
        if (calls === 1) throw new RateLimitError("slow down", { headers: { "retry-after-ms": "1500", "retry-after": "2" } });
        return "ok";
      }).done,
    ).resolves.toMatchObject({ value: "ok", attempts: 2 });
    expect(waits).toEqual([1500]);

    calls = 0;
    await expect(
      run(router, () => {
        calls++;
        throw new RateLimitError("come back in a minute", { headers: { "retry-after": "60" } });
      }).done,
    ).rejects.toMatchObject({ status: 429, headers: { "retry-after": "60" } });
    expect(calls).toBe(1);
  });

  it("backs off with jitter between attempts on the same deployment, num_retries times", async () => {
    const { router, waits } = fakeRouter(deployments([["m", "a"]]), { num_retries: 3 });
    const { done, records } = run(router, () => {
      throw new UpstreamConnectionError("reset");
    });
    await expect(done).rejects.toMatchObject({ status: 502 });
    expect(records).toHaveLength(4);
    // random() = 0.5: three quarters of 0.5 s, 1 s, 2 s
    expect(waits).toEqual([375, 750, 1500]);
  });

  it("follows retry_policy per error class", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["m", "b"]]), { num_retries: 5, retry_policy: { InternalServerErrorRetries: 1, BadRequestErrorRetries: 1 } });
    let calls = 0;
    await expect(run(router, () => (calls++, Promise.reject(serverError()))).done).rejects.toMatchObject({ status: 500 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(run(router, () => (calls++, Promise.reject(new InvalidRequestError("bad")))).done).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(2);
  });

  it("counts retries per error class, so one class's retries do not use up another's", async () => {
    const { router } = fakeRouter(deployments([["m", "a"]]), { retry_policy: { RateLimitErrorRetries: 5, InternalServerErrorRetries: 1 } });
    const slow = () => new RateLimitError("slow", { headers: { "retry-after": "0" } });
    // One 500 (its one retry) among 429s (five allowed): all retried.
    const answers = [slow(), serverError(), slow(), slow()];
    let calls = 0;
    await expect(run(router, () => (calls < answers.length ? Promise.reject(answers[calls++]) : (calls++, "ok"))).done).resolves.toMatchObject({ value: "ok", attempts: 5 });
  });

  it("never retries after the first byte reached the caller", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["m", "b"]]));
    let calls = 0;
    const { done } = run(router, (a) => {
      calls++;
      a.commit();
      throw new UpstreamConnectionError("reset mid-stream");
    }, { stream: true });
    await expect(done).rejects.toMatchObject({ status: 502 });
    expect(calls).toBe(1);
  });

  it("keeps a pinned request on its deployment: retried there, never moved, never fallen back", async () => {
    const list = deployments([["m", "a"], ["m", "b"], ["other", "c"]]);
    const { router } = fakeRouter(list, { fallbacks: [{ m: ["other"] }] });
    const seen: string[] = [];
    const pinned = router.byId("b")!;
    await expect(run(router, (a) => (seen.push(a.target.id), Promise.reject(serverError())), { pinned }).done).rejects.toMatchObject({ status: 500 });
    expect(seen).toEqual(["b", "b", "b"]);
    // A 404 on a pinned request means the state is gone, not that the deployment is broken.
    seen.length = 0;
    const gone = new DheeraError("Response not found", { status: 404, code: "response_not_found" });
    await expect(run(router, (a) => (seen.push(a.target.id), Promise.reject(gone)), { pinned }).done).rejects.toBe(gone);
    expect(seen).toEqual(["b"]);
  });

  it("stops waiting at once when the caller aborts", async () => {
    const list = deployments([["m", "a"]]);
    const router = new Router(list, { num_retries: 2 });
    const controller = new AbortController();
    const started = Date.now();
    const { done } = run(router, () => {
      setTimeout(() => controller.abort(new DOMException("gone", "AbortError")), 10);
      throw new RateLimitError("wait", { headers: { "retry-after": "5" } });
    }, { signal: controller.signal });
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("gives up when the router's timeout would pass during the next wait", async () => {
    const { router } = fakeRouter(deployments([["m", "a"]]), { timeout: 1 });
    let calls = 0;
    await expect(run(router, () => (calls++, Promise.reject(new RateLimitError("x", { headers: { "retry-after": "2" } })))).done).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(1);
  });

  it("ends an attempt that outlives the router's timeout with a 504", async () => {
    const router = new Router(deployments([["m", "a"]]), { timeout: 0.05 });
    const { done } = run(router, (a) => new Promise((_, reject) => a.options.signal!.addEventListener("abort", () => reject(a.options.signal!.reason))));
    await expect(done).rejects.toMatchObject({ status: 504, code: "router_timeout" });
  });
});

describe("Router: cooldowns", () => {
  it("tells of a cooldown it starts, and leaves a deployment out while another process says it cools down", async () => {
    const list = deployments([["m", "a"], ["m", "b"]]);
    const clock = { now: 1_000_000 };
    const told: [string, number, string][] = [];
    const first = new Router(list, { allowed_fails: 0, cooldown_time: 5, routing_strategy: "round-robin" }, { now: () => clock.now, onCooldown: (t, until, reason) => told.push([t.id, until, reason]) });
    const second = new Router(list, { routing_strategy: "round-robin" }, { now: () => clock.now });
    await run(first, (a) => {
      if (a.target.id === "a") throw serverError();
      return "ok";
    }).done;
    expect(told).toEqual([["a", 1_005_000, "failures"]]);

    // The second process hears of it: every request goes to b until the cooldown is over.
    expect(second.coolDown("a", told[0]![1], "failures")).toBe(true);
    expect(second.coolDown("nope", told[0]![1], "failures")).toBe(false);
    const served: string[] = [];
    for (let i = 0; i < 4; i++) await run(second, (a) => (served.push(a.target.id), "ok")).done;
    expect(served).toEqual(["b", "b", "b", "b"]);
    clock.now += 5001;
    for (let i = 0; i < 2; i++) await run(second, (a) => (served.push(a.target.id), "ok")).done;
    expect(served.slice(4)).toContain("a");
  });

  it("keeps a deployment with its own cooldown_time out for that long, not the router's", async () => {
    const list = deployments([["m", "a", { cooldown_time: 60 }], ["m", "b"]]);
    const clock = { now: 1_000_000 };
    const told: [string, number][] = [];
    const router = new Router(list, { allowed_fails: 0, cooldown_time: 5, routing_strategy: "round-robin" }, { now: () => clock.now, onCooldown: (t, until) => told.push([t.id, until]) });
    const failing = (a: Attempt) => {
      if (a.target.id === "a") throw serverError();
      return "ok";
    };
    await run(router, failing).done;
    expect(told).toEqual([["a", 1_060_000]]);
    const served: string[] = [];
    clock.now += 30_000; // past the router's 5 s, within a's 60 s
    for (let i = 0; i < 4; i++) await run(router, (a) => (served.push(a.target.id), "ok")).done;
    expect(served).toEqual(["b", "b", "b", "b"]);
  });

  it("sends an always-failing deployment at most allowed_fails + 1 requests per cooldown window while its sibling serves everything", async () => {
    const { router, clock } = fakeRouter(deployments([["m", "bad"], ["m", "good"]]), { allowed_fails: 3, cooldown_time: 5, routing_strategy: "round-robin" });
    const perWindow = new Map<number, number>();
    let failedClients = 0;
    for (let i = 0; i < 600; i++) {
      clock.now += 100; // 10 requests a second for a minute
      await run(router, (a) => {
        if (a.target.id === "bad") {
          const window = Math.floor((clock.now - 1_000_000) / 5000);
          perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
          throw serverError();
        }
        return "ok";
      }).done.catch(() => failedClients++);
    }
    expect(failedClients).toBe(0);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(4);
    expect(perWindow.size).toBeGreaterThan(5); // it keeps being tried, once per window
  });

  it("does not cool down a healthy deployment for sporadic faults under heavy traffic", async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const { router, clock } = fakeRouter(deployments([["m", "a"], ["m", "b"]]), {}, random);
    let cooled = 0;
    for (let i = 0; i < 6000; i++) {
      clock.now += 10;
      await run(router, () => {
        if (random() < 0.036) throw serverError();
        return "ok";
      }).done;
      if (router.targets.some((t) => t.health.coolingDown(clock.now))) cooled++;
    }
    expect(cooled).toBe(0);
  });

  it("cools a deployment that fails half its requests in a minute, though never many in a row", async () => {
    const { router, clock } = fakeRouter(deployments([["m", "flaky"], ["m", "b"]]), { allowed_fails: 3, routing_strategy: "round-robin" });
    let flakyCalls = 0;
    for (let i = 0; i < 40; i++) {
      clock.now += 100;
      await run(router, (a) => {
        if (a.target.id === "flaky" && flakyCalls++ % 2 === 0) throw serverError();
        return "ok";
      }).done;
    }
    expect(router.byId("flaky")!.health.cooldownReason).toBe("failures");
  });

  it("cools a misconfigured deployment (401) at once and answers from its sibling", async () => {
    const { router, clock } = fakeRouter(deployments([["m", "wrong-key"], ["m", "b"]]), { routing_strategy: "round-robin" });
    const { done } = run(router, (a) => {
      if (a.target.id === "wrong-key") throw new DheeraError("Access denied due to invalid subscription key.", { status: 401 });
      return "ok";
    });
    await expect(done).resolves.toMatchObject({ value: "ok", attempts: 2 });
    expect(router.byId("wrong-key")!.health.coolingDown(clock.now)).toBe(true);
  });

  it("answers at once, naming the model and when it frees up, when every deployment is cooling down", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["m", "b"]]), { cooldown_time: 30 });
    for (const t of router.targets) {
      t.health.started(1_000_000);
      t.health.ended(1_000_000, { failure: { kind: "misconfigured", deploymentFault: true, retryClass: null, retryAfterMs: undefined } });
    }
    let calls = 0;
    const { done } = run(router, () => (calls++, "ok"));
    const err = await done.catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: "deployments_cooling_down", headers: { "retry-after": "30" } });
    expect((err as Error).message).toContain("Model 'm' is unavailable: All 2 of its deployments are cooling down");
    expect(calls).toBe(0);
  });

  it("uses a higher order only when every lower one is cooling down or failing", async () => {
    const { router } = fakeRouter(deployments([["m", "backup", { order: 2 }], ["m", "primary", { order: 1 }]]));
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) await run(router, (a) => (seen.push(a.target.id), "ok")).done;
    expect(seen).toEqual(["primary", "primary", "primary"]);
    seen.length = 0;
    await run(router, (a) => {
      seen.push(a.target.id);
      if (a.target.id === "primary") throw serverError();
      return "ok";
    }).done;
    expect(seen).toEqual(["primary", "backup"]);
  });
});

describe("Router: fallbacks", () => {
  const list = () => deployments([["m", "a"], ["eu", "e"], ["big", "g"], ["safe", "s"], ["spare", "x"]]);

  it("tries the fallbacks in order once a model group is exhausted, and says which answered", async () => {
    const { router } = fakeRouter(list(), { num_retries: 0, fallbacks: [{ m: ["eu", "spare"] }] });
    const seen: string[] = [];
    const result = await run(router, (a) => {
      seen.push(a.target.id);
      if (a.target.id !== "x") throw serverError();
      return "ok";
    }).done;
    expect(seen).toEqual(["a", "e", "x"]);
    expect(result).toMatchObject({ fallbackModel: "spare", attempts: 3 });
  });

  it("uses default_fallbacks for a model without its own", async () => {
    const { router } = fakeRouter(list(), { num_retries: 0, default_fallbacks: ["spare"] });
    const result = await run(router, (a) => (a.target.id === "a" ? Promise.reject(serverError()) : "ok")).done;
    expect(result.fallbackModel).toBe("spare");
  });

  it("sends a context-length error to context_window_fallbacks, and a content-filter refusal to content_policy_fallbacks", async () => {
    const { router } = fakeRouter(list(), {
      fallbacks: [{ m: ["spare"] }],
      context_window_fallbacks: [{ m: ["big"] }],
      content_policy_fallbacks: [{ m: ["safe"] }],
    });
    const tooLong = new InvalidRequestError("Your input exceeds the context window of this model.", { code: "context_length_exceeded", param: "input" });
    const filtered = new InvalidRequestError("The response was filtered.", { code: "content_filter" });
    await expect(run(router, (a) => (a.target.id === "a" ? Promise.reject(tooLong) : a.target.id)).done).resolves.toMatchObject({ value: "g", fallbackModel: "big", attempts: 2 });
    await expect(run(router, (a) => (a.target.id === "a" ? Promise.reject(filtered) : a.target.id)).done).resolves.toMatchObject({ value: "s", fallbackModel: "safe", attempts: 2 });
  });

  it("does not add the generic fallbacks after a context-length fallback chain: they may be smaller models", async () => {
    const { router } = fakeRouter(list(), { fallbacks: [{ m: ["spare"] }], context_window_fallbacks: [{ m: ["big"] }] });
    const tooLong = new InvalidRequestError("too long", { code: "context_length_exceeded" });
    const seen: string[] = [];
    await expect(run(router, (a) => (seen.push(a.target.id), Promise.reject(tooLong))).done).rejects.toBe(tooLong);
    expect(seen).toEqual(["a", "g"]);
  });

  it("answers a context-length error as it is when no context_window_fallbacks are set", async () => {
    const { router } = fakeRouter(list(), { fallbacks: [{ m: ["spare"] }] });
    const tooLong = new InvalidRequestError("too long", { code: "context_length_exceeded" });
    await expect(run(router, () => Promise.reject(tooLong)).done).rejects.toBe(tooLong);
  });
});

describe("Router: fallbacks a caller may not use", () => {
  it("skips fallback models the caller is not allowed, and fails as the requested model did", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["big", "b"], ["small", "c"]]), { fallbacks: [{ m: ["big", "small"] }] });
    const served: string[] = [];
    const { done } = run(
      router,
      (a) => {
        served.push(a.modelName);
        if (a.modelName === "m") throw serverError();
        return "ok";
      },
      { allowFallback: (name) => name !== "big" },
    );
    await expect(done).resolves.toMatchObject({ fallbackModel: "small" });
    expect(served).not.toContain("big");
    const denied = run(router, () => Promise.reject(serverError()), { allowFallback: () => false });
    await expect(denied.done).rejects.toMatchObject({ status: 500 });
  });
});

describe("Router: strategies", () => {
  it("simple-shuffle gives a deployment without a weight the weight 1", async () => {
    let i = 0;
    const { router } = fakeRouter(deployments([["m", "heavy", { weight: 3 }], ["m", "plain"]]), { routing_strategy: "simple-shuffle" }, () => ((i++ % 100) + 0.5) / 100);
    const counts: Record<string, number> = {};
    for (let n = 0; n < 400; n++) await run(router, (a) => ((counts[a.target.id] = (counts[a.target.id] ?? 0) + 1), "ok")).done;
    expect(counts).toEqual({ heavy: 300, plain: 100 });
  });

  it("simple-shuffle spreads by weight", async () => {
    let i = 0;
    const { router } = fakeRouter(deployments([["m", "heavy", { weight: 3 }], ["m", "light", { weight: 1 }]]), { routing_strategy: "simple-shuffle" }, () => ((i++ % 100) + 0.5) / 100);
    const counts: Record<string, number> = {};
    for (let n = 0; n < 400; n++) await run(router, (a) => ((counts[a.target.id] = (counts[a.target.id] ?? 0) + 1), "ok")).done;
    expect(counts).toEqual({ heavy: 300, light: 100 });
  });

  it("latency-based-routing measures every deployment, then prefers the fastest", async () => {
    const { router, clock } = fakeRouter(deployments([["m", "slow"], ["m", "fast"]]), { routing_strategy: "latency-based-routing" });
    const counts: Record<string, number> = {};
    for (let n = 0; n < 20; n++) {
      await run(router, (a) => {
        counts[a.target.id] = (counts[a.target.id] ?? 0) + 1;
        clock.now += a.target.id === "slow" ? 900 : 100;
        return "ok";
      }).done;
    }
    expect(counts.slow).toBe(1);
    expect(counts.fast).toBe(19);
  });

  it("usage-based-routing keeps each deployment under its rpm and answers 429 once all are full", async () => {
    const { router } = fakeRouter(deployments([["m", "a", { rpm: 2 }], ["m", "b", { rpm: 3 }]]), { routing_strategy: "usage-based-routing" });
    const counts: Record<string, number> = {};
    for (let n = 0; n < 5; n++) await run(router, (a) => ((counts[a.target.id] = (counts[a.target.id] ?? 0) + 1), "ok")).done;
    expect(counts).toEqual({ a: 2, b: 3 });
    await expect(run(router, () => "ok").done).rejects.toMatchObject({ status: 429, code: "no_deployment_available" });
  });

  it("least-busy picks the deployment with the fewest requests in flight", async () => {
    const { router } = fakeRouter(deployments([["m", "a"], ["m", "b"]]));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = run(router, async (a) => (await held, a.target.id)).done;
    const second = await run(router, (a) => a.target.id).done;
    release();
    const firstResult = await first;
    expect(second.value).not.toBe(firstResult.value);
  });
});

describe("Router: requests it cannot route", () => {
  it("answers an unknown or missing model as OpenAI does", async () => {
    const { router } = fakeRouter(deployments([["m", "a"]]));
    await expect(run(router, () => "ok", { model: "nope" }).done).rejects.toMatchObject({ status: 400, code: "model_not_found", param: "model" });
    await expect(run(router, () => "ok", { model: undefined }).done).rejects.toMatchObject({ status: 400, code: "missing_required_parameter" });
  });
});
