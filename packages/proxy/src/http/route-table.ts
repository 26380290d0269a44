import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { RequestContext } from "./request-context.js";

export type Method = "GET" | "POST" | "DELETE";

export interface RouteCall {
  ctx: RequestContext;
  req: IncomingMessage;
  res: ServerResponse;
  /** `:name` segments of the pattern, URL-decoded. */
  params: Record<string, string>;
}

/**
 * What a route does with a request. A handler may return the promise of its last step instead of
 * awaiting it (any value, ignored): a streamed answer then holds no suspended handler for as long
 * as it runs.
 */
export type RouteHandler = (call: RouteCall) => Promise<unknown> | void;

/** What a route that takes WebSocket connections keeps per connection. */
export interface WebSocketSession {
  /** The proxy drains: close when the work in flight is done. */
  drain(): void;
}

/** Serves one upgraded connection (auth has passed): `url` and `headers` are the upgrade request's. */
export type WebSocketHandler = (ws: WebSocket, socket: Duplex, url: string, headers: IncomingHttpHeaders) => WebSocketSession;

export interface Route {
  method: Method;
  /** `/responses/:id/cancel`; matched with and without the `/v1` (and `/openai/v1`, `/openai`) prefix. */
  pattern: string;
  handler: RouteHandler;
  /** No key needed (health checks). */
  public?: boolean;
  /** A model route: virtual keys may call it (every other route needs the master key). */
  models?: boolean;
  /** Served only at `pattern` itself, not under `/v1` or `/openai/v1` (the admin routes). */
  unprefixed?: boolean;
  /** Also takes WebSocket connections (a GET with `Upgrade: websocket`; websocket/websocket-server.ts). */
  websocket?: WebSocketHandler;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string }
  | { kind: "not_found" };

interface Compiled {
  segments: readonly string[];
  /** Index -> param name for `:x` segments. */
  params: ReadonlyMap<number, string>;
  byMethod: Map<string, Route>;
}

// `/openai` last: Azure's classic routes (`/openai/responses`, `/openai/deployments/...`), so a
// client written for Azure works by changing only its endpoint.
const PREFIXES = ["/openai/v1", "/v1", "/openai"];

/**
 * Built once at start-up: static paths in a map, the few parameterised ones as pre-split
 * segment lists. Per request: strip a version prefix, one map lookup, at most a short scan.
 */
export function createRouteTable(routes: readonly Route[]) {
  const statics = new Map<string, Map<string, Route>>();
  const exact = new Map<string, Map<string, Route>>();
  const dynamics: Compiled[] = [];

  for (const route of routes) {
    if (route.unprefixed) {
      if (route.pattern.includes("/:")) throw new TypeError(`Unprefixed routes take no parameters: ${route.pattern}`);
      let byMethod = exact.get(route.pattern);
      if (!byMethod) exact.set(route.pattern, (byMethod = new Map()));
      byMethod.set(route.method, route);
    } else if (route.pattern.includes("/:")) {
      const segments = route.pattern.split("/").slice(1);
      let compiled = dynamics.find((d) => d.segments.join("/") === segments.join("/"));
      if (!compiled) {
        const params = new Map<number, string>();
        segments.forEach((s, i) => s.startsWith(":") && params.set(i, s.slice(1)));
        compiled = { segments, params, byMethod: new Map() };
        dynamics.push(compiled);
      }
      compiled.byMethod.set(route.method, route);
    } else {
      let byMethod = statics.get(route.pattern);
      if (!byMethod) statics.set(route.pattern, (byMethod = new Map()));
      byMethod.set(route.method, route);
    }
  }

  const allowOf = (byMethod: Map<string, Route>) => [...byMethod.keys()].join(", ");

  return {
    match(method: string, rawPath: string): RouteMatch {
      const unprefixed = exact.get(rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath);
      if (unprefixed) {
        const route = unprefixed.get(method);
        return route ? { kind: "found", route, params: {} } : { kind: "method_not_allowed", allow: allowOf(unprefixed) };
      }
      const path = normalize(rawPath);
      const byMethod = statics.get(path);
      if (byMethod) {
        const route = byMethod.get(method);
        return route ? { kind: "found", route, params: {} } : { kind: "method_not_allowed", allow: allowOf(byMethod) };
      }
      const parts = path.split("/").slice(1);
      for (const d of dynamics) {
        if (d.segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < parts.length && ok; i++) {
          const name = d.params.get(i);
          if (name === undefined) ok = parts[i] === d.segments[i];
          else {
            const value = safeDecode(parts[i]!);
            if (value === undefined || value === "") ok = false;
            else params[name] = value;
          }
        }
        if (!ok) continue;
        const route = d.byMethod.get(method);
        return route ? { kind: "found", route, params } : { kind: "method_not_allowed", allow: allowOf(d.byMethod) };
      }
      return { kind: "not_found" };
    },
  };
}

export type RouteTable = ReturnType<typeof createRouteTable>;

function normalize(path: string): string {
  let p = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  for (const prefix of PREFIXES) {
    if (p.startsWith(prefix) && (p.length === prefix.length || p[prefix.length] === "/")) {
      p = p.slice(prefix.length) || "/";
      break;
    }
  }
  return p;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
