import { NotFoundError } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import type { Identity } from "../keys/key-identity.js";

interface ModelObject {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the configured model_names, serialised once; a
 * virtual key limited to some models sees only those (others are "not found", as OpenAI answers
 * for models a key cannot use).
 */
export function modelRoutes(s: ProxyServices): { list: RouteHandler; one: RouteHandler } {
  const models = new Map<string, ModelObject>();
  for (const name of s.router.modelNames) {
    models.set(name, { id: name, object: "model", created: s.startedAt, owned_by: s.router.group(name)[0]?.deployment.provider ?? "dheera" });
  }
  const listBody = JSON.stringify({ object: "list", data: [...models.values()] });
  const allowedOf = (identity: Identity | undefined) => (identity?.kind === "virtual" ? identity.allowedModels : null);
  return {
    list: ({ res, ctx }) => {
      const allowed = allowedOf(ctx.identity);
      if (allowed === null) return sendJson(res, 200, listBody);
      sendJson(res, 200, { object: "list", data: [...models.values()].filter((m) => allowed.has(m.id)) });
    },
    one: ({ res, params, ctx }) => {
      const allowed = allowedOf(ctx.identity);
      const model = allowed === null || allowed.has(params.id!) ? models.get(params.id!) : undefined;
      if (!model) throw new NotFoundError(`The model '${params.id}' does not exist. Call /v1/models to view available models.`, { param: "model", code: "model_not_found" });
      sendJson(res, 200, model);
    },
  };
}
