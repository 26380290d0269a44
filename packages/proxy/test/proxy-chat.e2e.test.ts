import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseSse, postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/* Chat Completions through the real process: native pass-through and the Responses bridge. */

let emu: EmulatorServer;
let proxy: ProxyProcess;
let client: OpenAI;
let clientV1: OpenAI;

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

beforeAll(async () => {
  emu = await startEmulator();
  const config = writeConfig(
    configYaml(
      [
        azureModel("gpt-4o", "azure/gpt-4o", emu.url),
        azureModel("gpt-4o-v1", "azure/gpt-4o", emu.url, { api_version: "v1" }),
        // the seed's bridge: chat served through the Responses API
        azureModel("my-custom-o1-pro", "azure/responses/my-custom-o1-pro", emu.url),
        azureModel("o1-pro", "azure/o1-pro", emu.url),
      ].join("\n"),
    ),
  );
  proxy = await spawnProxy(config);
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
  clientV1 = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

describe("POST /chat/completions, native", () => {
  it("answers JSON at /chat/completions and /v1/chat/completions", async () => {
    for (const c of [client, clientV1]) {
      const completion = await c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello world" }] });
      expect(completion.object).toBe("chat.completion");
      expect(completion.choices[0]!.message.content).toContain("Hello world");
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    }
    expect(emu.emulator.requests.at(-1)!.path).toBe("/openai/deployments/gpt-4o/chat/completions");
    await client.chat.completions.create({ model: "gpt-4o-v1", messages: [{ role: "user", content: "v1" }] });
    expect(emu.emulator.requests.at(-1)!.path).toBe("/openai/v1/chat/completions");
  });

  it("streams the upstream chunks as they are, ending with [DONE]", async () => {
    const res = await postJson(
      `${proxy.url}/v1/chat/completions`,
      { model: "gpt-4o", messages: [{ role: "user", content: "Hello stream" }], stream: true, stream_options: { include_usage: true } },
      { authorization: `Bearer ${MASTER_KEY}` },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const events = parseSse(text);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    const chunks = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data) as OpenAI.Chat.Completions.ChatCompletionChunk);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toContain("Hello stream");
    expect(chunks.at(-1)!.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("reassembles a streamed answer with the client's stream helper", async () => {
    const final = await client.chat.completions
      .stream({ model: "gpt-4o", messages: [{ role: "user", content: "Tell me about a unicorn." }] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content!.length).toBeGreaterThan(20);
    expect(final.choices[0]!.finish_reason).toBe("stop");
  });

  it("passes the upstream's refusal of chat on a responses-only deployment through as a 400", async () => {
    await expect(client.chat.completions.create({ model: "o1-pro", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("does not work with the specified model"),
    });
  });
});

describe("POST /chat/completions through the Responses bridge (azure/responses/<dep>)", () => {
  it("answers chat JSON by calling the Responses API upstream", async () => {
    emu.emulator.reset();
    const completion = await client.chat.completions.create({ model: "my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }] });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]!.message.content).toContain("Hello world");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(emu.emulator.requests.map((r) => r.path)).toEqual(["/openai/responses"]);
  });

  it("streams chat chunks transformed from Responses events", async () => {
    const stream = await clientV1.chat.completions.create({
      model: "my-custom-o1-pro",
      messages: [{ role: "user", content: "Hello bridge" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.Completions.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain("Hello bridge");
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it("reassembles streamed tool calls with finalChatCompletion()", async () => {
    const final = await client.chat.completions
      .stream({
        model: "my-custom-o1-pro",
        messages: [{ role: "user", content: "What's the weather in Paris?" }],
        tools: [weatherTool],
      })
      .finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toHaveProperty("city");
    expect(call.id).toBeTruthy();

    // and the tool result goes back through the bridge
    const answer = await client.chat.completions.create({
      model: "my-custom-o1-pro",
      messages: [
        { role: "user", content: "What's the weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: "sunny, 21 C" },
      ],
      tools: [weatherTool],
    });
    expect(answer.choices[0]!.finish_reason).toBe("stop");
  });

  it("reassembles tool calls on a native chat stream too", async () => {
    const final = await client.chat.completions
      .stream({ model: "gpt-4o", messages: [{ role: "user", content: "weather?" }], tools: [weatherTool] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
  });
});
