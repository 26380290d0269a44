import { NotFoundError } from "@dheera/core";
import { sendJson } from "../http/http-io.js";
import type { RouteHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";

interface ModelObject {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** `GET /v1/models` and `GET /v1/models/{id}`: the configured model_names, serialised once. */
export function modelRoutes(s: ProxyServices): { list: RouteHandler; one: RouteHandler } {
  const models = new Map<string, ModelObject>();
  for (const name of s.router.modelNames) {
    models.set(name, { id: name, object: "model", created: s.startedAt, owned_by: s.router.group(name)[0]?.deployment.provider ?? "dheera" });
  }
  const listBody = JSON.stringify({ object: "list", data: [...models.values()] });
  return {
    list: ({ res }) => sendJson(res, 200, listBody),
    one: ({ res, params }) => {
      const model = models.get(params.id!);
      if (!model) throw new NotFoundError(`The model '${params.id}' does not exist. Call /v1/models to view available models.`, { param: "model", code: "model_not_found" });
      sendJson(res, 200, model);
    },
  };
}
