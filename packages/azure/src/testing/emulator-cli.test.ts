import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startAzureEmulatorFromCli } from "./start-from-cli.js";

describe("startAzureEmulatorFromCli", () => {
  it("reads --port / PORT and prints the listening line", async () => {
    const lines: string[] = [];
    const server = await startAzureEmulatorFromCli({ argv: ["--port", "0", "--api-key", "k1"], env: {}, log: (l) => lines.push(l), handleSignals: false });
    try {
      expect(lines).toEqual([`Azure emulator listening on ${server.url}`, "api_key: k1; deployments: any name"]);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${server.url}/openai/v1/models`, { headers: { "api-key": "k1" } });
      expect(ok.status).toBe(200);
      const defaultKey = await fetch(`${server.url}/openai/v1/models`, { headers: { "api-key": "test-azure-key" } });
      expect(defaultKey.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("takes the port from PORT when --port is absent", async () => {
    const probe = await startAzureEmulatorFromCli({ argv: [], env: {}, log: () => undefined, handleSignals: false });
    const port = probe.port;
    await probe.close();
    const server = await startAzureEmulatorFromCli({ argv: [], env: { PORT: String(port) }, log: () => undefined, handleSignals: false });
    expect(server.port).toBe(port);
    await server.close();
  });

  it("serves any deployment name a config uses, unless --strict-deployments", async () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: "hi" }] });
    const ask = (url: string) =>
      fetch(`${url}/openai/deployments/team-gpt-prod/chat/completions?api-version=2025-04-01-preview`, {
        method: "POST",
        headers: { "api-key": "test-azure-key", "content-type": "application/json" },
        body,
      });
    const open = await startAzureEmulatorFromCli({ argv: ["--port", "0"], env: {}, log: () => undefined, handleSignals: false });
    const strict = await startAzureEmulatorFromCli({ argv: ["--port", "0", "--strict-deployments"], env: {}, log: () => undefined, handleSignals: false });
    try {
      const served = await ask(open.url);
      expect(served.status).toBe(200);
      expect(((await served.json()) as { object: string }).object).toBe("chat.completion");
      const refused = await ask(strict.url);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("DeploymentNotFound");
    } finally {
      await open.close();
      await strict.close();
    }
  });

  it("rejects unknown options and bad ports", async () => {
    await expect(startAzureEmulatorFromCli({ argv: ["--nope", "1"], env: {}, handleSignals: false })).rejects.toThrow("Unknown option: --nope");
    await expect(startAzureEmulatorFromCli({ argv: ["--port=abc"], env: {}, handleSignals: false })).rejects.toThrow("Invalid port: abc");
  });

  it("runs as a process: the dheera-azure-emulator command prints its URL and serves it", async () => {
    // The command as installed: bin/ -> dist/ (the package is built before its tests run).
    const script = fileURLToPath(new URL("../../bin/dheera-azure-emulator.js", import.meta.url));
    const child = spawn(process.execPath, [script, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        // Generous: slow when every package's tests share 2 cores.
        const timer = setTimeout(() => reject(new Error(`no listening line; got: ${out}`)), 15_000);
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => {
          out += chunk;
          const match = /Azure emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      const res = await fetch(`${url}/openai/responses?api-version=2025-03-01-preview`, {
        method: "POST",
        headers: { "api-key": "test-azure-key", "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", input: "hi" }),
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  }, 20_000);
});
