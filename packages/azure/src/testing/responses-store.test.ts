import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { call, post, RESPONSES_URL, sseJson } from "./emulator-test-support.js";

const V = "?api-version=2025-03-01-preview";
const byId = (id: string, suffix = "") => `/openai/responses/${id}${suffix}${V}`;

describe("stored responses", () => {
  it("retrieves a stored response on classic and v1 routes", async () => {
    const emulator = createAzureEmulator();
    const created = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi" })).json;
    const classic = await call(emulator, "GET", byId(created.id));
    expect(classic.status).toBe(200);
    expect(classic.json).toEqual(created);
    const v1 = await call(emulator, "GET", `/openai/v1/responses/${created.id}`);
    expect(v1.json).toEqual(created);
  });

  it("deletes a response, then answers 404 for it", async () => {
    const emulator = createAzureEmulator();
    const { id } = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi" })).json;
    const deleted = await call(emulator, "DELETE", byId(id));
    expect(deleted.json).toEqual({ id, object: "response", deleted: true });
    for (const [method, path] of [["GET", byId(id)], ["DELETE", byId(id)], ["GET", byId(id, "/input_items")]] as const) {
      const res = await call(emulator, method, path);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: { message: `Response with id '${id}' not found.`, type: "invalid_request_error", param: null, code: null } });
    }
  });

  it("does not keep store:false responses", async () => {
    const emulator = createAzureEmulator();
    const created = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi", store: false })).json;
    expect(created.store).toBe(false);
    expect((await call(emulator, "GET", byId(created.id))).status).toBe(404);
    const chained = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "again", previous_response_id: created.id });
    expect(chained.status).toBe(400);
    expect(chained.json.error).toEqual({
      message: `Previous response with id '${created.id}' not found.`,
      type: "invalid_request_error",
      param: "previous_response_id",
      code: "previous_response_not_found",
    });
  });

  it("lists input items with ids, newest first by default, with limit/after/order", async () => {
    const emulator = createAzureEmulator();
    const input = [
      { role: "developer", content: "be nice" },
      { role: "user", content: "one" },
      { role: "assistant", content: "two" },
      { role: "user", content: [{ type: "input_text", text: "three" }] },
    ];
    const { id } = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input })).json;
    const all = (await call(emulator, "GET", byId(id, "/input_items"))).json;
    expect(all.object).toBe("list");
    expect(all.has_more).toBe(false);
    expect(all.data.map((i: { role: string }) => i.role)).toEqual(["user", "assistant", "user", "developer"]);
    expect(all.data[1]).toEqual({ id: expect.stringMatching(/^msg_/), type: "message", role: "assistant", content: [{ type: "output_text", text: "two", annotations: [] }], status: "completed" });
    expect(all.data[3].content).toEqual([{ type: "input_text", text: "be nice" }]);
    expect(all.first_id).toBe(all.data[0].id);
    expect(all.last_id).toBe(all.data[3].id);

    const page1 = (await call(emulator, "GET", `/openai/responses/${id}/input_items${V}&order=asc&limit=3`)).json;
    expect(page1.data.map((i: { role: string }) => i.role)).toEqual(["developer", "user", "assistant"]);
    expect(page1.has_more).toBe(true);
    const page2 = (await call(emulator, "GET", `/openai/responses/${id}/input_items${V}&order=asc&limit=3&after=${page1.last_id}`)).json;
    expect(page2.data).toHaveLength(1);
    expect(page2.has_more).toBe(false);

    const bad = await call(emulator, "GET", `/openai/responses/${id}/input_items${V}&limit=0`);
    expect(bad.json.error.code).toBe("integer_below_min_value");
  });

  it("refuses to cancel a synchronous response", async () => {
    const emulator = createAzureEmulator();
    const { id } = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi" })).json;
    const res = await call(emulator, "POST", byId(id, "/cancel"));
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ message: "Cannot cancel a synchronous response.", type: "invalid_request_error", param: null, code: null });
  });

  it("runs background responses: queued, then completed on a GET after backgroundDelayMs", async () => {
    const emulator = createAzureEmulator({ backgroundDelayMs: 50 });
    const queued = (await post(emulator, "/openai/v1/responses", { model: "gpt-4o", input: "hi", background: true })).json;
    expect(queued).toMatchObject({ status: "queued", background: true, output: [], usage: null });
    expect((await call(emulator, "GET", `/openai/v1/responses/${queued.id}`)).json.status).toBe("queued");
    await new Promise((r) => setTimeout(r, 60));
    const done = (await call(emulator, "GET", `/openai/v1/responses/${queued.id}`)).json;
    expect(done.status).toBe("completed");
    expect(done.output[0].content[0].text).toMatch(/^Hello from the Azure emulator/);
    const late = await call(emulator, "POST", `/openai/v1/responses/${queued.id}/cancel`);
    expect(late.status).toBe(400);
  });

  it("cancels a queued background response, idempotently", async () => {
    const emulator = createAzureEmulator();
    const { id } = (await post(emulator, "/openai/v1/responses", { model: "gpt-4o", input: "hi", background: true })).json;
    const cancelled = await call(emulator, "POST", `/openai/v1/responses/${id}/cancel`);
    expect(cancelled.json).toMatchObject({ id, status: "cancelled", output: [] });
    expect((await call(emulator, "POST", `/openai/v1/responses/${id}/cancel`)).json.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 60));
    expect((await call(emulator, "GET", `/openai/v1/responses/${id}`)).json.status).toBe("cancelled");
  });

  it("replays a stored response as a stream with ?stream=true&starting_after", async () => {
    const emulator = createAzureEmulator();
    const { id } = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi" })).json;
    const all = sseJson((await call(emulator, "GET", `/openai/responses/${id}${V}&stream=true`)).text);
    expect(all[0].type).toBe("response.created");
    expect(all.at(-1).type).toBe("response.completed");
    const rest = sseJson((await call(emulator, "GET", `/openai/responses/${id}${V}&stream=true&starting_after=3`)).text);
    expect(rest[0].sequence_number).toBe(4);
  });

  it("carries tool calls across previous_response_id and requires their outputs", async () => {
    const emulator = createAzureEmulator();
    const tool = { type: "function", name: "f", parameters: { type: "object", properties: {}, required: [] } };
    const first = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "go", tools: [tool] })).json;
    const missing = await post(emulator, RESPONSES_URL, { model: "gpt-4o", previous_response_id: first.id, input: "ignore the tool" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toBe(`No tool output found for function call ${first.output[0].call_id}.`);
    const answered = await post(emulator, RESPONSES_URL, {
      model: "gpt-4o",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: first.output[0].call_id, output: "ok" }],
    });
    expect(answered.status).toBe(200);
    // input_tokens count what the model re-reads from the chain: "go" + the call arguments + "ok".
    expect(answered.json.usage.input_tokens).toBe(3);
  });

  it("resolves item_reference inputs from stored items", async () => {
    const emulator = createAzureEmulator();
    const first = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "remember me" })).json;
    const items = (await call(emulator, "GET", byId(first.id, "/input_items"))).json;
    const ref = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: [{ type: "item_reference", id: items.data[0].id }] });
    expect(ref.json.output[0].content[0].text).toBe("Hello from the Azure emulator (deployment gpt-4o): remember me");
    const unknown = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: [{ type: "item_reference", id: "msg_nope" }] });
    expect(unknown.status).toBe(400);
  });
});
