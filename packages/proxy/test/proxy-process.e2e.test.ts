import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "node:http";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { VERSION } from "../src/version.js";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { CLI, MASTER_KEY, PACKAGE_DIR, azureModel, cleanEnv, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/* The `dheera_ai` process itself: flags, environment, config errors, workers, the seed configs. */

const run = promisify(execFile);
let emu: EmulatorServer;

beforeAll(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await emu?.close();
});

describe("command line", () => {
  it("prints --version and --help", async () => {
    const version = await run(process.execPath, [CLI, "--version"], { cwd: PACKAGE_DIR, env: cleanEnv() });
    expect(version.stdout.trim()).toBe(VERSION);
    const help = await run(process.execPath, [CLI, "--help"], { cwd: PACKAGE_DIR, env: cleanEnv() });
    for (const flag of ["--config", "--port", "--host", "--num_workers", "--detailed_debug", "--version", "DHEERA_AI_MASTER_KEY"]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it("runs from a clone as pnpm dheera_ai and pnpm exec dheera_ai, at the repository root", async () => {
    const root = path.resolve(PACKAGE_DIR, "../..");
    for (const args of [["dheera_ai", "--version"], ["exec", "dheera_ai", "--version"]]) {
      const { stdout } = await run("pnpm", ["--silent", ...args], { cwd: root, env: cleanEnv() });
      expect(stdout.trim()).toBe(VERSION);
    }
  });

  it("exits non-zero without a config", async () => {
    const p = await spawnProxy(undefined, { expectExit: true });
    expect((await p.exited).code).toBe(2);
    expect(p.stderr()).toMatch(/--config/);
  });

  it("takes the config path from DHEERA_AI_CONFIG and the master key from DHEERA_AI_MASTER_KEY", async () => {
    const file = writeConfig(`model_list:\n${azureModel("gpt-4o", "azure/gpt-4o", emu.url)}\n`);
    const p = await spawnProxy(undefined, { env: { DHEERA_AI_CONFIG: file, DHEERA_AI_MASTER_KEY: "sk-from-env-123456" } });
    expect((await fetch(`${p.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${p.url}/v1/models`, { headers: { authorization: "Bearer sk-from-env-123456" } })).status).toBe(200);
  });

  it("listens on the PORT given in the environment when --port is absent", async () => {
    const file = writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url)));
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [CLI, "--config", file], { cwd: path.dirname(file), env: cleanEnv({ PORT: String(port), HOST: "127.0.0.1" }) });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /RUNNING on \S+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once("exit", () => reject(new Error(out)));
      });
      expect(line).toBe(`RUNNING on http://127.0.0.1:${port}`);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("config errors", () => {
  it("names file, line and key of a misspelt setting and exits non-zero", async () => {
    const file = writeConfig(
      [
        "model_list:",
        "  - model_name: o1-pro",
        "    dheera_ai_params:",
        "      model: azure/o1-pro",
        "      api_key: test-azure-key",
        `      api_base: ${emu.url}`,
        "      api_bse: https://typo.example.com",
        "",
      ].join("\n"),
    );
    const p = await spawnProxy(file, { expectExit: true });
    expect((await p.exited).code).not.toBe(0);
    expect(p.stderr()).toContain(`${file}:7: model_list[0].dheera_ai_params.api_bse: unknown key`);
    expect(p.stdout()).not.toContain("RUNNING");
  });

  it("names a missing environment variable", async () => {
    const file = writeConfig(configYaml(azureModel("o1-pro", "azure/o1-pro", emu.url).replace("api_key: test-azure-key", "api_key: os.environ/MY_MISSING_AZURE_KEY")));
    const p = await spawnProxy(file, { expectExit: true });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain(`${file}:5: model_list[0].dheera_ai_params.api_key: environment variable MY_MISSING_AZURE_KEY is not set`);
  });

  it("names the key meant when a required key is misspelt, in one line", async () => {
    const file = writeConfig(`model_list:\n  - model_name: o1-pro\n    dheera_ai_param:\n      model: azure/o1-pro\n`);
    const p = await spawnProxy(file, { expectExit: true });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr().trim().split("\n")).toEqual(["Invalid config:", `${file}:3: model_list[0].dheera_ai_param: unknown key (did you mean "dheera_ai_params"?)`]);
  });

  it("says how to pick another port when the port is taken", async () => {
    const { createServer } = await import("node:net");
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const port = (holder.address() as { port: number }).port;
    try {
      const p = await spawnProxy(writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url))), { args: ["--port", String(port)], expectExit: true });
      expect((await p.exited).code).toBe(1);
      expect(p.stderr()).toContain(`dheera_ai: port ${port} on 127.0.0.1 is already in use`);
      expect(p.stderr()).toContain("--port <n> or PORT=<n>");
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it("warns at start-up that a proxy without a master key is open, and only then", async () => {
    const open = await spawnProxy(writeConfig(`model_list:\n${azureModel("gpt-4o", "azure/gpt-4o", emu.url)}\n`));
    const warning = (p: typeof open) => p.logs().filter((l) => typeof l.msg === "string" && (l.msg as string).startsWith("no master key"));
    // The log is flushed asynchronously, after RUNNING: wait for the line.
    await vi.waitFor(() => expect(warning(open)).toHaveLength(1));
    expect(warning(open)[0]!.msg).toContain("DHEERA_AI_MASTER_KEY");
    const closed = await spawnProxy(writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url))));
    // Logged right after "config loaded", in the same write: once that line is there, so would the warning be.
    await vi.waitFor(() => expect(closed.logs().some((l) => l.msg === "config loaded")).toBe(true));
    expect(warning(closed)).toHaveLength(0);
  });

  it("reports a file that does not exist", async () => {
    const p = await spawnProxy("/nonexistent/dheera/config.yaml", { expectExit: true });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain("/nonexistent/dheera/config.yaml: file not found");
  });
});

describe("workers and logging", () => {
  it("serves requests from --num_workers 2 processes sharing one port, and drains on SIGTERM", async () => {
    const file = writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url)));
    const p = await spawnProxy(file, { args: ["--num_workers", "2"] });
    expect(p.stdout()).toMatch(/RUNNING on http:\/\/127\.0\.0\.1:\d+ \(2 workers\)/);
    const client = new OpenAI({ baseURL: p.url, apiKey: MASTER_KEY, maxRetries: 0 });
    for (let i = 0; i < 6; i++) {
      // a fresh connection each time (no agent), so the cluster spreads them
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${p.url}/v1/models`, { agent: false, headers: { authorization: `Bearer ${MASTER_KEY}` } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(200);
    }
    expect((await client.responses.create({ model: "gpt-4o", input: "hi" })).status).toBe("completed");
    await new Promise((r) => setTimeout(r, 200));
    const pids = new Set(p.logs().filter((l) => l.msg === "request").map((l) => l.pid));
    expect(pids.size).toBe(2);
    expect(pids.has(p.child.pid)).toBe(false);
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  });

  it("--detailed_debug logs bodies with secrets redacted", async () => {
    const file = writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url)));
    const p = await spawnProxy(file, { args: ["--detailed_debug"] });
    await postJson(`${p.url}/v1/responses`, { model: "gpt-4o", input: `my key is ${MASTER_KEY}`, api_key: "sk-client-secret-xyz" }, { "x-api-key": MASTER_KEY });
    await new Promise((r) => setTimeout(r, 200));
    const logs = p.logs();
    const request = logs.find((l) => l.msg === "request body") as { request_body: Record<string, unknown> } | undefined;
    expect(request?.request_body).toMatchObject({ model: "gpt-4o", input: "my key is [REDACTED]", api_key: "[REDACTED]" });
    expect(logs.some((l) => l.msg === "response body")).toBe(true);
    const all = p.stdout() + p.stderr();
    expect(all).not.toContain(MASTER_KEY);
    expect(all).not.toContain("sk-client-secret-xyz");
    expect(all).not.toContain("test-azure-key");
  });
});

describe("the seed's config.yaml blocks, pointed at the emulator", () => {
  const seed = (modelName: string, model: string, keyVar: string, apiVersion: string) =>
    [
      "model_list:",
      `  - model_name: ${modelName}`,
      "    dheera_ai_params:",
      `      model: ${model}`,
      `      api_key: os.environ/${keyVar}`,
      `      api_base: ${emu.url}/`,
      `      api_version: ${apiVersion}`,
      "",
    ].join("\n");

  it("starts with the o1-pro block as it is and forwards to the emulator", async () => {
    const p = await spawnProxy(writeConfig(seed("o1-pro", "azure/o1-pro", "AZURE_RESPONSES_OPENAI_API_KEY", "2023-03-15-preview")), {
      env: { AZURE_RESPONSES_OPENAI_API_KEY: "test-azure-key" },
    });
    expect(p.stdout()).toMatch(/RUNNING on http:\/\//);
    // Said at start-up, once, with the fix: not left for the first 404 to reveal.
    await vi.waitFor(() => expect(p.stdout()).toContain('"msg":"provider warning"'));
    const warnings = p.logs().filter((l) => typeof l.warning === "string" && (l.warning as string).includes("older than Azure's Responses API"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.warning).toContain('Azure deployment "o1-pro" uses api_version 2023-03-15-preview');
    expect(warnings[0]!.warning).toContain("Use api_version 2025-03-01-preview or later");
    const client = new OpenAI({ baseURL: p.url, apiKey: "your-api-key", maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["o1-pro"]);
    emu.emulator.reset();
    // 2023-03-15-preview predates the Responses API: Azure (and its emulator) answer 404,
    // which the proxy passes on with Azure's message.
    const err = await client.responses.create({ model: "o1-pro", input: "Tell me a three sentence bedtime story about a unicorn." }).catch((e: unknown) => e);
    expect(emu.emulator.requests.at(-1)).toMatchObject({ path: "/openai/responses", query: { "api-version": "2023-03-15-preview" } });
    expect(err).toMatchObject({ status: 404, message: expect.stringContaining("Resource not found") });
  });

  it("starts with the codex-mini block (api_version: preview) and answers, JSON and streaming", async () => {
    const p = await spawnProxy(writeConfig(seed("codex-mini", "azure/codex-mini", "AZURE_RESPONSES_OPENAI_API_KEY", "preview")), {
      env: { AZURE_RESPONSES_OPENAI_API_KEY: "test-azure-key" },
    });
    const client = new OpenAI({ baseURL: p.url, apiKey: "your-api-key", maxRetries: 0 });
    const response = await client.responses.create({ model: "codex-mini", input: "Tell me a three sentence bedtime story about a unicorn." });
    expect(response.status).toBe("completed");
    const events: string[] = [];
    for await (const e of await client.responses.create({ model: "codex-mini", input: "again", stream: true })) events.push(e.type);
    expect(events.at(-1)).toBe("response.completed");
  });

  it("starts with the my-custom-o1-pro bridge block as it is", async () => {
    const p = await spawnProxy(writeConfig(seed("my-custom-o1-pro", "azure/responses/my-custom-o1-pro", "AZURE_API_KEY", "2023-03-15-preview")), {
      env: { AZURE_API_KEY: "test-azure-key" },
    });
    emu.emulator.reset();
    const res = await postJson(`${p.url}/v1/chat/completions`, { model: "my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }] });
    // same api-version story as above: the bridge calls /openai/responses upstream
    expect(emu.emulator.requests.at(-1)).toMatchObject({ path: "/openai/responses" });
    expect(res.status).toBe(404);
  });
});

/** Starts examples/start.mjs in its own process group, as a terminal would; resolves with its URL. */
async function startExample(): Promise<{ child: import("node:child_process").ChildProcess; url: string; out: () => string; exited: Promise<number | null> }> {
  const { spawn } = await import("node:child_process");
  const cwd = mkdtempSync(path.join(tmpdir(), "dheera-example-"));
  const child = spawn(process.execPath, [path.join(PACKAGE_DIR, "examples/start.mjs"), "--port", "0", "--host", "127.0.0.1"], { cwd, env: cleanEnv(), detached: true });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await vi.waitFor(
    () => {
      const m = /RUNNING on (\S+)/.exec(out);
      if (!m) throw new Error(`not running yet:\n${out}`);
      return m[1]!;
    },
    { timeout: 10_000, interval: 50 },
  );
  return { child, url, out: () => out, exited };
}

describe("the Azure emulator as a command", () => {
  it("dheera-azure-emulator serves a user's own config, with deployment names of their own", async () => {
    const { spawn } = await import("node:child_process");
    const bin = path.join(PACKAGE_DIR, "../azure/dist/testing/emulator-cli.js");
    const child = spawn(process.execPath, [bin, "--port", "0", "--api-key", "my-local-key"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      const url = await vi.waitFor(() => {
        const m = /listening on (\S+)/.exec(out);
        if (!m) throw new Error(out);
        return m[1]!;
      });
      expect(out).toContain("api_key: my-local-key; deployments: any name");
      const file = writeConfig(
        configYaml(
          [
            azureModel("team-chat", "azure/prod-gpt-4o-eastus", url, { api_key: "my-local-key" }),
            azureModel("team-reasoner", "azure/responses/my-o3-deployment", url, { api_key: "my-local-key" }),
          ].join("\n"),
        ),
      );
      const p = await spawnProxy(file);
      const client = new OpenAI({ baseURL: p.url, apiKey: MASTER_KEY, maxRetries: 0 });
      const chat = await client.chat.completions.create({ model: "team-chat", messages: [{ role: "user", content: "Hello world" }] });
      expect(chat.choices[0]!.message.content).toContain("Hello world");
      const bridged = await client.chat.completions.create({ model: "team-reasoner", messages: [{ role: "user", content: "Hello world" }] });
      expect(bridged.object).toBe("chat.completion");
      const response = await client.responses.create({ model: "team-chat", input: "Tell me about a unicorn." });
      expect(response.status).toBe("completed");
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("signals on the start command", () => {
  it("one Ctrl-C (SIGINT to the whole process group) drains once and exits 0", async () => {
    const example = await startExample();
    process.kill(-example.child.pid!, "SIGINT");
    expect(await example.exited).toBe(0);
    const out = example.out();
    expect(out.match(/"msg":"draining"/g)).toHaveLength(1);
    expect(out).toContain('"msg":"stopped"');
    expect(out).not.toContain("second signal");
  });

  it("killing the start command, even with SIGKILL, stops the gateway", async () => {
    const example = await startExample();
    expect((await fetch(`${example.url}/health/liveliness`)).status).toBe(200);
    example.child.kill("SIGKILL");
    await example.exited;
    await vi.waitFor(
      async () => {
        await expect(fetch(`${example.url}/health/liveliness`)).rejects.toThrow();
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});

describe("the README's example", () => {
  it("node examples/start.mjs starts the emulator alongside and serves the example config", async () => {
    const { spawn } = await import("node:child_process");
    // A scratch working directory: the default spend store (./dheera-spend.sqlite) lands there.
    const cwd = mkdtempSync(path.join(tmpdir(), "dheera-example-"));
    const child = spawn(process.execPath, [path.join(PACKAGE_DIR, "examples/start.mjs"), "--port", "0", "--host", "127.0.0.1"], { cwd, env: cleanEnv() });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /RUNNING on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", () => reject(new Error(out)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new OpenAI({ baseURL: url, apiKey: "sk-dheera-local", maxRetries: 0 });
      const response = await client.responses.create({ model: "o1-pro", input: "Tell me a three sentence bedtime story about a unicorn." });
      expect(response.output_text.length).toBeGreaterThan(20);
      const chat = await client.chat.completions.create({ model: "my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }] });
      expect(chat.choices[0]!.message.content).toContain("Hello world");
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });
});
