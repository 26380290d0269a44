import type { EmulatorDeployment } from "./emulator-types.js";

/** The deployments an emulator serves when none are configured, and how a deployment's traits are derived. */

export const DEFAULT_EMULATOR_DEPLOYMENTS: Readonly<Record<string, EmulatorDeployment>> = Object.freeze({
  // Responses-only models, as on Azure (o1-pro / codex-mini reject chat with OperationNotSupported).
  "o1-pro": { model: "o1-pro", supportsResponses: true, supportsChat: false },
  "codex-mini": { model: "codex-mini", supportsResponses: true, supportsChat: false },
  "my-custom-o1-pro": { model: "o1-pro", supportsResponses: true, supportsChat: false },
  "gpt-4o": { model: "gpt-4o", supportsResponses: true, supportsChat: true },
  "gpt-4.1": { model: "gpt-4.1", supportsResponses: true, supportsChat: true },
  // A reasoning model that serves both APIs, for the chat-side reasoning rules.
  "o3-mini": { model: "o3-mini", supportsResponses: true, supportsChat: true },
});

export interface ResolvedDeployment {
  name: string;
  model: string;
  supportsResponses: boolean;
  supportsChat: boolean;
  /** o-series, codex and gpt-5 (not its chat variants): reasoning items, reasoning tokens, and their parameter rules. */
  reasoning: boolean;
}

const REASONING = (name: string) => /^o\d/i.test(name) || /codex/i.test(name) || /^gpt-5(?!.*chat)/i.test(name);

export function resolveDeployments(deployments: Record<string, EmulatorDeployment>): Map<string, ResolvedDeployment> {
  const out = new Map<string, ResolvedDeployment>();
  for (const [name, d] of Object.entries(deployments)) {
    const model = d.model ?? name;
    out.set(name, {
      name,
      model,
      supportsResponses: d.supportsResponses ?? true,
      supportsChat: d.supportsChat ?? true,
      reasoning: REASONING(name) || REASONING(model),
    });
  }
  return out;
}
