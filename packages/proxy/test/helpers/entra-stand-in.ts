import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/*
 * A loopback stand-in for Entra ID's token endpoint (login.microsoftonline.com), over HTTPS as
 * MSAL insists, with a throwaway self-signed certificate: a process that trusts it
 * (NODE_EXTRA_CA_CERTS=<caFile>) and is given `authority_host: <url>` gets client-credential
 * tokens that live `lifeSeconds`. Each token is valid in `tokens` until it expires.
 */

export interface EntraStandIn {
  url: string;
  /** PEM file to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** Every token issued, in order. */
  issued: { token: string; scope: string; expiresAt: number }[];
  /** The tokens valid right now (pass the array to the Azure emulator's `adTokens`: it is kept up to date). */
  tokens: string[];
  close(): Promise<void>;
}

export async function startEntraStandIn(options: { tenant: string; clientId: string; clientSecret: string; lifeSeconds: number }): Promise<EntraStandIn> {
  const dir = mkdtempSync(path.join(tmpdir(), "dheera-entra-"));
  const key = path.join(dir, "key.pem");
  const caFile = path.join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", caFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const issued: EntraStandIn["issued"] = [];
  const tokens: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let base = "";
  const server = createServer({ key: readFileSync(key), cert: readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      if (process.env.ENTRA_DEBUG) console.error("stand-in", req.method, req.url);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const tenantBase = `${base}/${options.tenant}`;
      if (req.method === "GET" && url.pathname === `/${options.tenant}/v2.0/.well-known/openid-configuration`) {
        return json(200, {
          token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
          authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
          issuer: `${tenantBase}/v2.0`,
          jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
        });
      }
      if (req.method === "GET" && url.pathname.endsWith("/discovery/instance")) {
        return json(200, { tenant_discovery_endpoint: `${tenantBase}/v2.0/.well-known/openid-configuration`, metadata: [] });
      }
      if (req.method === "POST" && url.pathname === `/${options.tenant}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        if (form.get("grant_type") !== "client_credentials" || form.get("client_id") !== options.clientId || form.get("client_secret") !== options.clientSecret) {
          return json(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
        }
        const token = `entra-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
        const expiresAt = Date.now() + options.lifeSeconds * 1000;
        issued.push({ token, scope: form.get("scope") ?? "", expiresAt });
        tokens.push(token);
        const timer = setTimeout(() => {
          timers.delete(timer);
          tokens.splice(tokens.indexOf(token), 1);
        }, options.lifeSeconds * 1000);
        timers.add(timer);
        return json(200, { token_type: "Bearer", expires_in: options.lifeSeconds, ext_expires_in: options.lifeSeconds, access_token: token });
      }
      json(404, { error: "not_found", error_description: `${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    caFile,
    issued,
    tokens,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
