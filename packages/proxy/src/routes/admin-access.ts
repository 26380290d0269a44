import { DheeraError, InvalidRequestError, parseWireRequest } from "@dheera/core";
import type { z } from "zod";
import { readJsonBody } from "../http/http-io.js";
import type { RouteCall } from "../http/route-table.js";
import type { KeyAdmin } from "../keys/key-admin.js";
import type { ProxyServices } from "../pipeline/services.js";

/*
 * What the admin routes (/spend/*, /key/*, /team/*) share: they need a configured master key
 * (without one every client could read every key's spend or mint keys, so they refuse with 403),
 * and their bodies are checked strictly, naming a field this proxy does not support.
 */

export function requireMasterKey(s: ProxyServices, what: string): void {
  if (!s.auth.enabled) {
    throw new DheeraError(
      `The ${what} routes need a master key: set general_settings.master_key (or DHEERA_AI_MASTER_KEY) and send it as 'Authorization: Bearer <key>'.`,
      { status: 403, type: "permission_error", code: "master_key_required" },
    );
  }
}

/** The key service, or a 400 saying why there is none. */
export function keyAdmin(s: ProxyServices): KeyAdmin {
  requireMasterKey(s, "key and team");
  if (!s.keys) {
    throw new InvalidRequestError(
      "Virtual keys and teams live in the spend database, which general_settings.disable_spend_logs turns off: remove that setting to use them.",
      { code: "virtual_keys_disabled" },
    );
  }
  return s.keys;
}

export async function readAdminBody<S extends z.ZodType>(s: ProxyServices, { req, res, ctx }: RouteCall, schema: S): Promise<z.output<S>> {
  const body = await readJsonBody(req, res, s.bodyLimitBytes, s.maxJsonDepth);
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape && typeof body === "object" && body !== null && !Array.isArray(body)) {
    const unknown = Object.keys(body).filter((k) => !(k in shape));
    if (unknown.length > 0) {
      const name = unknown[0]!.slice(0, 64);
      throw new InvalidRequestError(`Unknown field '${name}' for ${ctx.path}: this proxy does not support it. Supported: ${Object.keys(shape).join(", ")}.`, {
        param: name,
        code: "unsupported_parameter",
      });
    }
  }
  return parseWireRequest(schema, body);
}

/** A required query parameter. */
export function queryParam(route: RouteCall, name: string): string {
  const value = route.ctx.query.get(name);
  if (value === null || value.trim() === "") throw new InvalidRequestError(`Missing required query parameter: '${name}'.`, { param: name, code: "missing_required_parameter" });
  return value.trim();
}
