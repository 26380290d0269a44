import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * The Conversations API through the proxy, with the official client: conversations are created on
 * a deployment (Azure's v1 API), their ids route back to it, and a Responses create with
 * `conversation` reads and extends them there, on every route and in streams.
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;

beforeAll(async () => {
  emu = await startEmulator();
  const models = [
    azureModel("classic", "azure/gpt-4o", emu.url),
    azureModel("codex", "azure/codex-mini", emu.url, { api_version: "preview" }),
  ];
  proxy = await spawnProxy(writeConfig(configYaml(models.join("\n"))));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });

describe("conversations", () => {
  it("the whole API: create, retrieve, update, items, delete, with routable ids", async () => {
    const openai = client();
    const conversation = await openai.conversations.create({ metadata: { topic: "demo" }, items: [{ type: "message", role: "user", content: "Hello!" }] });
    expect(conversation).toMatchObject({ object: "conversation", metadata: { topic: "demo" } });
    expect(conversation.id).toMatch(/^conv_/);
    // Created on the first model that can hold conversations (the v1 deployment), under the upstream's own id.
    const upstreamCreate = emu.emulator.requests.at(-1)!;
    expect(upstreamCreate).toMatchObject({ method: "POST", path: "/openai/v1/conversations" });
    // The proxy's routable id, not the upstream's own (conv_ and 48 hex digits).
    expect(conversation.id).not.toMatch(/^conv_[0-9a-f]{48}$/);

    expect(await openai.conversations.retrieve(conversation.id)).toMatchObject({ id: conversation.id, metadata: { topic: "demo" } });
    expect(await openai.conversations.update(conversation.id, { metadata: { topic: "renamed" } })).toMatchObject({ id: conversation.id, metadata: { topic: "renamed" } });

    const added = await openai.conversations.items.create(conversation.id, { items: [{ type: "message", role: "user", content: "More" }] });
    expect(added.data).toHaveLength(1);
    const itemId = added.data[0]!.id!;
    const listed = await openai.conversations.items.list(conversation.id, { order: "asc" });
    expect(listed.data.map((i) => i.type)).toEqual(["message", "message"]);
    expect(await openai.conversations.items.retrieve(itemId, { conversation_id: conversation.id })).toMatchObject({ id: itemId, type: "message" });
    expect(await openai.conversations.items.delete(itemId, { conversation_id: conversation.id })).toMatchObject({ id: conversation.id, object: "conversation" });

    expect(await openai.conversations.delete(conversation.id)).toMatchObject({ id: conversation.id, deleted: true });
    const gone = await openai.conversations.retrieve(conversation.id).catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 404 });
    const foreign = await openai.conversations.retrieve("conv_not_ours").catch((e: unknown) => e);
    expect(foreign).toMatchObject({ status: 404, code: "conversation_not_found" });
  });

  it("a Responses create with `conversation` reads and extends it, JSON and streamed", async () => {
    const openai = client();
    const conversation = await openai.conversations.create({});
    const first = await openai.responses.create({ model: "codex", input: "My name is Ada.", conversation: conversation.id });
    expect(first.conversation).toEqual({ id: conversation.id });
    expect(emu.emulator.requests.at(-1)!.body).toMatchObject({ conversation: expect.stringMatching(/^conv_[0-9a-f]{48}$/) });

    const stream = await openai.responses.create({ model: "codex", input: "What is my name?", conversation: { id: conversation.id }, stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === "response.completed") completed = event.response;
    expect(completed?.conversation).toEqual({ id: conversation.id });
    // The upstream conversation now holds both turns: two inputs and two answers.
    const items = await openai.conversations.items.list(conversation.id, { order: "asc" });
    const turns = items.data.filter((i) => i.type !== "reasoning").map((i) => ("role" in i ? i.role : i.type));
    expect(turns).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("a model whose deployment cannot hold conversations is refused clearly", async () => {
    const res = await fetch(`${proxy.url}/v1/conversations`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "classic" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("cannot hold conversations");
  });
});
