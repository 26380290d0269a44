import { randomUUID } from "node:crypto";
import type { CooldownReason, Router } from "@dheera/core";
import type { Redis } from "ioredis";

export interface SharedCooldowns {
  /** For the router's `onCooldown`: tells every other replica. */
  publish(deploymentId: string, until: number, reason: CooldownReason): void;
  close(): Promise<void>;
}

interface Message {
  id: string;
  until: number;
  reason: CooldownReason;
  from: string;
}

const REASONS = new Set<string>(["failures", "rate_limited", "misconfigured"]);

/**
 * Deployment cooldowns shared through Redis: a deployment one replica starts leaving out is left
 * out by all, at once (pub/sub), and by a replica that starts or reconnects later (a key per
 * deployment that expires with the cooldown). Without Redis each replica cools down alone, as
 * before; a lost message only costs the other replicas the failures they would have had anyway.
 */
export async function shareCooldowns(
  url: string,
  prefix: string,
  router: () => Router,
  onError: (err: Error) => void,
): Promise<SharedCooldowns> {
  const { Redis } = await import("ioredis");
  const self = randomUUID();
  const channel = `${prefix}cooldowns`;
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1000, connectTimeout: 2000, retryStrategy: (n: number) => Math.min(100 * n, 2000) };
  const pub: Redis = new Redis(url, options);
  // A connection in subscriber mode can do nothing else: one for each direction.
  const sub: Redis = new Redis(url, { ...options, enableOfflineQueue: true });
  // Errors are the limit store's to report (same Redis); here they are only swallowed, once each.
  pub.on("error", () => undefined);
  sub.on("error", () => undefined);
  const keyOf = (id: string) => `${prefix}cooldown:${id}`;

  const apply = (m: Message) => {
    if (m.from !== self && REASONS.has(m.reason) && Number.isFinite(m.until)) router().coolDown(m.id, m.until, m.reason);
  };
  sub.on("message", (_channel: string, text: string) => {
    try {
      apply(JSON.parse(text) as Message);
    } catch {
      // Not ours: ignored.
    }
  });
  // On every (re)connection: subscribe, then take the cooldowns already running.
  sub.on("ready", () => {
    void (async () => {
      await sub.subscribe(channel);
      const ids = [...new Set(router().targets.map((t) => t.id))];
      if (ids.length === 0) return;
      const values = await pub.mget(...ids.map(keyOf));
      for (const v of values) if (v) apply(JSON.parse(v) as Message);
    })().catch((err: unknown) => onError(err as Error));
  });
  await Promise.all([pub.connect().catch(() => undefined), sub.connect().catch(() => undefined)]);

  return {
    publish(id, until, reason) {
      const text = JSON.stringify({ id, until, reason, from: self } satisfies Message);
      const ttl = Math.max(1, Math.ceil(until - Date.now()));
      pub
        .multi()
        .set(keyOf(id), text, "PX", ttl)
        .publish(channel, text)
        .exec()
        .catch((err: unknown) => onError(err as Error));
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
