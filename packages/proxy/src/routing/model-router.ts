import { InvalidRequestError, NotFoundError, UnsupportedOperationError } from "@dheera/core";
import { createPicker, type RoutingStrategy } from "./load-balancer.js";
import type { ProxyDeployment } from "./resolve-deployments.js";
import { decodeResponseId, encodeResponseId } from "./response-id.js";

export type Operation = "responses" | "chat";

/** The configured models, by public name, with their deployments; built once at start-up. */
export class ModelRouter {
  readonly modelNames: readonly string[];
  readonly #groups = new Map<string, { responses: ProxyDeployment[]; chat: ProxyDeployment[]; all: ProxyDeployment[] }>();
  readonly #byKey = new Map<string, ProxyDeployment>();
  readonly #pick: Map<string, (c: readonly ProxyDeployment[]) => ProxyDeployment | undefined>;

  constructor(deployments: readonly ProxyDeployment[], strategy: RoutingStrategy = "least-busy") {
    for (const d of deployments) {
      let group = this.#groups.get(d.modelName);
      if (!group) this.#groups.set(d.modelName, (group = { responses: [], chat: [], all: [] }));
      group.all.push(d);
      if (d.deployment.responses) group.responses.push(d);
      if (d.deployment.chat) group.chat.push(d);
      // Two entries with the same key are the same upstream (same name, model and api_base):
      // either serves the other's ids.
      if (!this.#byKey.has(d.key)) this.#byKey.set(d.key, d);
    }
    this.modelNames = [...this.#groups.keys()];
    this.#pick = new Map(this.modelNames.map((name) => [name, createPicker<ProxyDeployment>(strategy)]));
  }

  has(modelName: string): boolean {
    return this.#groups.has(modelName);
  }

  /** The first deployment of a model (for `/models` metadata). */
  first(modelName: string): ProxyDeployment | undefined {
    return this.#groups.get(modelName)?.all[0];
  }

  /**
   * Picks a deployment of `modelName` able to serve `operation`. `pinnedKey` (from a
   * `previous_response_id`) keeps a conversation on the deployment that holds its state.
   */
  pick(modelName: unknown, operation: Operation, pinnedKey?: string): ProxyDeployment {
    if (modelName === undefined || modelName === null || modelName === "") {
      throw new InvalidRequestError("Missing required parameter: 'model'.", { param: "model", code: "missing_required_parameter" });
    }
    if (typeof modelName !== "string") {
      throw new InvalidRequestError("Invalid type for 'model': expected a string.", { param: "model", code: "invalid_type" });
    }
    const group = this.#groups.get(modelName);
    if (!group) {
      throw new InvalidRequestError(`Invalid model name passed in model=${modelName}. Call /v1/models to view available models.`, {
        param: "model",
        code: "model_not_found",
      });
    }
    const candidates = group[operation];
    if (candidates.length === 0) {
      const api = operation === "responses" ? "the Responses API" : "Chat Completions";
      throw new UnsupportedOperationError(`Model ${modelName} does not serve ${api}.`, { param: "model" });
    }
    if (pinnedKey !== undefined) {
      const pinned = candidates.find((d) => d.key === pinnedKey);
      if (pinned) return pinned;
    }
    return this.#pick.get(modelName)!(candidates)!;
  }

  /** The deployment that issued a response id, and the upstream's own id. */
  byResponseId(id: string): { target: ProxyDeployment; upstreamId: string } {
    const decoded = decodeResponseId(id);
    const target = decoded && this.#byKey.get(decoded.deploymentKey);
    if (!decoded || !target || !target.deployment.responses) {
      throw new NotFoundError(`Response with id '${id}' not found.`, { param: "response_id", code: "response_not_found" });
    }
    return { target, upstreamId: decoded.upstreamId };
  }

  /** Decodes a `previous_response_id` if it is one of ours; other ids pass through unchanged. */
  decodePrevious(id: string): { upstreamId: string; key: string } | undefined {
    const decoded = decodeResponseId(id);
    if (!decoded || !this.#byKey.has(decoded.deploymentKey)) return undefined;
    return { upstreamId: decoded.upstreamId, key: decoded.deploymentKey };
  }

  encode(target: ProxyDeployment, upstreamId: string): string {
    return encodeResponseId(target.key, upstreamId);
  }
}
