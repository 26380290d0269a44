// One-off: test traffic for the observability screenshots (not part of the repo).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import OpenAI from "openai";
import { startEmulatorServer } from "@dheera/azure/testing";

let n = 0;
const flaky = await startEmulatorServer({}, { fault: (ctx) => (ctx.method === "POST" && ++n % 25 === 0 ? "http_500" : undefined) });
const steady = await startEmulatorServer({});
const model = (name: string, ref: string, url: string, id: string) => `  - model_name: ${name}\n    dheera_ai_params:\n      model: ${ref}\n      api_key: test-azure-key\n      api_base: ${url}\n      api_version: 2025-04-01-preview\n    model_info:\n      id: ${id}`;
writeFileSync("/tmp/shots/config.yaml", `model_list:\n${[model("gpt-4o", "azure/gpt-4o", flaky.url, "gpt-4o-eastus"), model("gpt-4o", "azure/gpt-4o", steady.url, "gpt-4o-westus"), model("gpt-4o-mini", "azure/responses/gpt-4o-mini", steady.url, "gpt-4o-mini-eastus")].join("\n")}\ngeneral_settings:\n  master_key: sk-shots-master-key\n  spend_db_path: /tmp/shots/spend.sqlite\ndheera_ai_settings:\n  require_auth_for_metrics_endpoint: false\n`);
const proxy = spawn(process.execPath, ["dist/cli.js", "--config", "/tmp/shots/config.yaml", "--port", "4000", "--host", "127.0.0.1"], { stdio: ["ignore", "ignore", "inherit"] });
await new Promise((r) => setTimeout(r, 2500));
const base = "http://127.0.0.1:4000";
const admin = (p: string, body: unknown) => fetch(base + p, { method: "POST", headers: { authorization: "Bearer sk-shots-master-key", "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
await admin("/team/new", { team_id: "search", max_budget: 2 });
await admin("/team/new", { team_id: "support", max_budget: 1 });
const keys = [
  (await admin("/key/generate", { key_alias: "search-indexer", team_id: "search", max_budget: 1.5, rpm_limit: 120 })).key,
  (await admin("/key/generate", { key_alias: "support-bot", team_id: "support", max_budget: 0.8, rpm_limit: 30 })).key,
];
const master = new OpenAI({ baseURL: base + "/v1", apiKey: "sk-shots-master-key", maxRetries: 0 });
const clients = keys.map((k) => new OpenAI({ baseURL: base + "/v1", apiKey: k, maxRetries: 0 }));
const until = Date.now() + Number(process.argv[2] ?? 300) * 1000;
let i = 0;
const one = async () => {
  const k = i++;
  const c = k % 3 === 0 ? master : clients[k % 2]!;
  try {
    if (k % 4 === 0) {
      const s = await c.responses.create({ model: "gpt-4o", input: `stream ${k}`, stream: true });
      for await (const _ of s);
    } else if (k % 4 === 1) await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `hi ${k}` }] });
    else await c.responses.create({ model: k % 7 === 0 ? "gpt-4o-mini" : "gpt-4o", input: `hello ${k}` });
  } catch {}
};
while (Date.now() < until) {
  const burst = 6 + Math.round(6 * (1 + Math.sin(Date.now() / 30_000)));
  await Promise.all(Array.from({ length: burst }, one));
  await new Promise((r) => setTimeout(r, 1000));
}
proxy.kill("SIGTERM");
await flaky.close();
await steady.close();
