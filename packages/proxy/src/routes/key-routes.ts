import { InvalidRequestError } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { Route, RouteCall } from "../http/route-table.js";
import type { KeyRecord } from "../keys/key-records.js";
import { keyDeleteSchema, keyGenerateSchema, keyReferenceSchema, keyRegenerateSchema, keyUpdateSchema } from "../keys/key-records.js";
import type { ProxyServices } from "../pipeline/services.js";
import { keyAdmin, queryParam, readAdminBody } from "./admin-access.js";

/*
 * LiteLLM's key management endpoints, master key only. A key's secret is in the answer of
 * /key/generate and /key/regenerate and nowhere else: afterwards a key is named by the key
 * itself, its `token` (SHA-256, hex) or its `key_alias`.
 */

const handlers = (s: ProxyServices) => ({
  generate: async (route: RouteCall) => {
    const body = await readAdminBody(s, route, keyGenerateSchema);
    const { key, record } = await keyAdmin(s).generate(body);
    sendJson(route.res, 200, { key, ...record });
  },
  info: async (route: RouteCall) => {
    const info = await keyAdmin(s).info(queryParam(route, "key"));
    sendJson(route.res, 200, { key: info.token, info });
  },
  update: async (route: RouteCall) => {
    const { key, ...changes } = await readAdminBody(s, route, keyUpdateSchema);
    const admin = keyAdmin(s);
    sendJson(route.res, 200, await admin.update(changes, await admin.key(key)));
  },
  regenerate: async (route: RouteCall) => {
    const { key, new_key: newKey, ...changes } = await readAdminBody(s, route, keyRegenerateSchema);
    const admin = keyAdmin(s);
    const regenerated = await admin.regenerate(await admin.key(key), changes, newKey);
    sendJson(route.res, 200, { key: regenerated.key, ...regenerated.record });
  },
  delete: async (route: RouteCall) => {
    const { keys = [], key_aliases: aliases = [] } = await readAdminBody(s, route, keyDeleteSchema);
    const deleted = await keyAdmin(s).delete(keys, aliases);
    sendJson(route.res, 200, { deleted_keys: deleted.map((k) => k.token) });
  },
  list: async (route: RouteCall) => {
    const q = route.ctx.query;
    const page = positiveInt(q.get("page"), "page", 1, 1_000_000);
    const size = positiveInt(q.get("size"), "size", 10, 100);
    const filter = { team_id: q.get("team_id") ?? undefined, user_id: q.get("user_id") ?? undefined, key_alias: q.get("key_alias") ?? undefined };
    const { keys, total } = await keyAdmin(s).list(filter, (page - 1) * size, size);
    const full = q.get("return_full_object") === "true";
    sendJson(route.res, 200, {
      keys: full ? keys : keys.map((k: KeyRecord) => k.token),
      total_count: total,
      current_page: page,
      total_pages: Math.max(1, Math.ceil(total / size)),
    });
  },
  block: (route: RouteCall) => setBlocked(s, route, true),
  unblock: (route: RouteCall) => setBlocked(s, route, false),
});

const setBlocked = async (s: ProxyServices, route: RouteCall, blocked: boolean) => {
  const { key } = await readAdminBody(s, route, keyReferenceSchema);
  const admin = keyAdmin(s);
  sendJson(route.res, 200, await admin.update({ blocked }, await admin.key(key)));
};

function positiveInt(raw: string | null, param: string, fallback: number, max: number): number {
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) throw new InvalidRequestError(`${param} must be an integer from 1 to ${max}.`, { param, code: "invalid_value" });
  return n;
}

export function keyRoutes(s: ProxyServices): Route[] {
  const h = handlers(s);
  return [
    { method: "POST", pattern: "/key/generate", handler: h.generate, unprefixed: true },
    { method: "GET", pattern: "/key/info", handler: h.info, unprefixed: true },
    { method: "POST", pattern: "/key/update", handler: h.update, unprefixed: true },
    { method: "POST", pattern: "/key/regenerate", handler: h.regenerate, unprefixed: true },
    { method: "POST", pattern: "/key/delete", handler: h.delete, unprefixed: true },
    { method: "GET", pattern: "/key/list", handler: h.list, unprefixed: true },
    { method: "POST", pattern: "/key/block", handler: h.block, unprefixed: true },
    { method: "POST", pattern: "/key/unblock", handler: h.unblock, unprefixed: true },
  ];
}
