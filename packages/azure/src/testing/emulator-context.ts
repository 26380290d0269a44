import type { ConversationsStore } from "./conversations-store.js";
import { resolveDeployments, type ResolvedDeployment } from "./emulator-deployments.js";
import { deploymentNotFound } from "./emulator-errors.js";
import type { MatchedRoute } from "./emulator-routes.js";
import type { AzureEmulatorOptions, RecordedRequest } from "./emulator-types.js";
import type { ResponsesStore } from "./responses-store.js";

/** What a route handler gets: the emulator's state and one parsed, authenticated request. */

export interface EmulatorRuntime {
  deployments: Map<string, ResolvedDeployment>;
  /** Unknown deployment names are served too (see `AzureEmulatorOptions.anyDeployment`). */
  anyDeployment: boolean;
  reply: AzureEmulatorOptions["reply"];
  greeting: (deployment: string) => string;
  streamDelayMs: number;
  backgroundDelayMs: number;
  store: ResponsesStore;
  /** Stored conversations (v1 surface). */
  conversations: ConversationsStore;
  /**
   * This emulated resource's own mark in the encrypted reasoning it issues: like Azure, it can
   * decrypt only its own, so content from another resource is refused (`invalid_encrypted_content`).
   */
  encryptionMark: string;
  /** Adds to the token count behind `x-ratelimit-remaining-tokens`. */
  spendTokens(tokens: number): void;
}

export interface RouteContext {
  runtime: EmulatorRuntime;
  route: MatchedRoute;
  url: URL;
  /** The effective api-version (`v1` when omitted on the v1 surface). */
  apiVersion: string;
  bodyText: string;
  recorded: RecordedRequest;
  signal: AbortSignal | undefined;
}

export function findDeployment(runtime: EmulatorRuntime, name: string): ResolvedDeployment {
  const deployment = runtime.deployments.get(name);
  if (deployment) return deployment;
  if (!runtime.anyDeployment) throw deploymentNotFound();
  const made = resolveDeployments({ [name]: {} }).get(name)!;
  runtime.deployments.set(name, made);
  return made;
}
