import type { RouteContext } from "./emulator-context.js";
import { jsonResponse } from "./emulator-http.js";

/**
 * `GET /openai/v1/models`. Azure lists the models of the resource; the emulator lists its
 * deployments (the names a client passes as `model` on v1), which is what tests look up.
 */
export function listModels(ctx: RouteContext): Response {
  const data = [...ctx.runtime.deployments.values()].map((d) => ({
    id: d.name,
    object: "model",
    created: 1_735_689_600,
    owned_by: "organization-owner",
    capabilities: { chat_completion: d.supportsChat, responses: d.supportsResponses },
    lifecycle_status: "generally-available",
  }));
  return jsonResponse(200, { object: "list", data });
}
