import { createRequire } from "node:module";
import { ConfigurationError } from "@dheera/core";
import { cachedTokenProvider, type AccessTokenLike } from "./token-cache.js";
import { DEFAULT_ENTRA_SCOPE, ENTRA_ENV_KEYS, type EntraCredentialSettings } from "./entra-credential-settings.js";

/** `@azure/identity`'s `TokenCredential`, as far as we use it. */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: unknown): Promise<AccessTokenLike | null>;
}

export function isTokenCredential(value: unknown): value is TokenCredentialLike {
  return typeof value === "object" && value !== null && typeof (value as { getToken?: unknown }).getToken === "function";
}

type EntraEnv = Readonly<Partial<Record<(typeof ENTRA_ENV_KEYS)[number], string | undefined>>>;

/** A token credential of the SDK's caller (e.g. `new DefaultAzureCredential()`), cached and renewed ahead of expiry. */
export function tokenProviderFromCredential(credential: TokenCredentialLike, scope = DEFAULT_ENTRA_SCOPE): () => Promise<string> {
  return cachedTokenProvider(async () => {
    const token = await credential.getToken(scope);
    if (!token) throw new Error("the credential returned no token");
    return token;
  });
}

/**
 * The credential a config names, built on first use with `@azure/identity` (an optional
 * dependency, loaded only by deployments that use it). Checked here, when the config is loaded:
 * a missing package or a missing id is a configuration error naming what to do, not a failed
 * request an hour later.
 */
export function tokenProviderFromSettings(settings: EntraCredentialSettings, env: EntraEnv): () => Promise<string> {
  requireIdentityPackage();
  const tenantId = settings.tenant_id ?? env.AZURE_TENANT_ID;
  const clientId = settings.client_id ?? env.AZURE_CLIENT_ID;
  const authorityHost = settings.authority_host ?? env.AZURE_AUTHORITY_HOST;
  const need = (value: string | undefined, key: string, variable: string): string => {
    if (value) return value;
    throw new ConfigurationError(`azure_ad_token_provider (${settings.type}) needs ${key}: set it, or ${variable}.`, {
      param: `azure_ad_token_provider.${key}`,
      provider: "azure",
    });
  };
  // A custom authority (a sovereign cloud, a stand-in) is asked directly: MSAL would otherwise
  // first ask login.microsoftonline.com about it, which a closed network cannot reach.
  const common = authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {};
  let make: (identity: typeof import("@azure/identity")) => TokenCredentialLike;
  switch (settings.type) {
    case "client_secret": {
      const tenant = need(tenantId, "tenant_id", "AZURE_TENANT_ID");
      const client = need(clientId, "client_id", "AZURE_CLIENT_ID");
      const secret = need(settings.client_secret ?? env.AZURE_CLIENT_SECRET, "client_secret", "AZURE_CLIENT_SECRET");
      make = (identity) => new identity.ClientSecretCredential(tenant, client, secret, common);
      break;
    }
    case "workload_identity": {
      const tenant = need(tenantId, "tenant_id", "AZURE_TENANT_ID");
      const client = need(clientId, "client_id", "AZURE_CLIENT_ID");
      const file = need(settings.federated_token_file ?? env.AZURE_FEDERATED_TOKEN_FILE, "federated_token_file", "AZURE_FEDERATED_TOKEN_FILE");
      make = (identity) => new identity.WorkloadIdentityCredential({ tenantId: tenant, clientId: client, tokenFilePath: file, ...common });
      break;
    }
    case "managed_identity":
      make = (identity) => (settings.client_id ? new identity.ManagedIdentityCredential(settings.client_id, common) : new identity.ManagedIdentityCredential(common));
      break;
    case "default":
      make = (identity) => new identity.DefaultAzureCredential(common);
      break;
  }
  let credential: Promise<TokenCredentialLike> | undefined;
  const scope = settings.scope ?? DEFAULT_ENTRA_SCOPE;
  return cachedTokenProvider(async () => {
    credential ??= import("@azure/identity").then(make);
    const token = await (await credential).getToken(scope);
    if (!token) throw new Error("the credential returned no token");
    return token;
  });
}

function requireIdentityPackage(): void {
  try {
    createRequire(import.meta.url).resolve("@azure/identity");
  } catch {
    throw new ConfigurationError("azure_ad_token_provider needs the @azure/identity package. Run: npm install @azure/identity", {
      param: "azure_ad_token_provider",
      provider: "azure",
    });
  }
}
