import { createHash } from "node:crypto";

/**
 * The stable identity of a configured deployment, carried inside response ids so a follow-up
 * call reaches the deployment that created the response, on this or any other proxy process
 * with the same config. `model_info.id` wins when set (it survives an api_base change); else a
 * hash of what makes a deployment the same upstream: the public name, the model reference and
 * the api_base (never the key, which may rotate).
 */
export function deploymentKey(input: { modelInfoId?: string | undefined; modelName: string; reference: string; apiBase: string }): string {
  if (input.modelInfoId !== undefined) return input.modelInfoId;
  const digest = createHash("sha256").update(`${input.modelName}\u0000${input.reference}\u0000${input.apiBase}`).digest("base64url");
  return `h${digest.slice(0, 16)}`;
}
