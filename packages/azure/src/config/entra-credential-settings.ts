import { z } from "zod";

/**
 * `azure_ad_token_provider` as a config file writes it: which Entra ID credential of
 * `@azure/identity` gets the proxy its tokens, refreshed before they expire. Missing ids fall back
 * to the variables `@azure/identity` itself reads (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST), which AKS workload
 * identity and most hosting set for you.
 */
export const entraCredentialSettingsSchema = z.strictObject({
  /**
   * `client_secret`: a service principal; `managed_identity`: the VM's, App Service's or
   * container's identity (`client_id` picks a user-assigned one); `workload_identity`: AKS
   * workload identity (a federated token file); `default`: `DefaultAzureCredential`'s chain.
   */
  type: z.enum(["client_secret", "managed_identity", "workload_identity", "default"]),
  tenant_id: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  /** Path of the federated token (workload identity). */
  federated_token_file: z.string().min(1).optional(),
  /** Default `https://cognitiveservices.azure.com/.default`; Azure AI Foundry also takes `https://ai.azure.com/.default`. */
  scope: z.string().min(1).optional(),
  /** The Entra ID endpoint, for sovereign clouds (and tests); default `https://login.microsoftonline.com`. */
  authority_host: z.url().optional(),
});
export type EntraCredentialSettings = z.infer<typeof entraCredentialSettingsSchema>;

/** The scope Azure OpenAI has always accepted; documented beside the newer Foundry one. */
export const DEFAULT_ENTRA_SCOPE = "https://cognitiveservices.azure.com/.default";

export const ENTRA_ENV_KEYS = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"] as const;
