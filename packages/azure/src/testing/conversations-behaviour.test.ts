import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { call, post } from "./emulator-test-support.js";

const V1 = "/openai/v1";

describe("the emulator's Conversations API (v1 surface only)", () => {
  const emulator = createAzureEmulator();

  it("creates, reads, updates, pages items and deletes", async () => {
    const created = await post(emulator, `${V1}/conversations`, { metadata: { a: "b" }, items: [{ type: "message", role: "user", content: "Hi" }] });
    expect(created.status).toBe(200);
    const id = (created.json as { id: string }).id;
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^conv_[0-9a-f]{48}$/), object: "conversation", metadata: { a: "b" } });
    expect((await call(emulator, "GET", `${V1}/conversations/${id}`)).json).toMatchObject({ id });
    expect((await post(emulator, `${V1}/conversations/${id}`, { metadata: { c: "d" } })).json).toMatchObject({ metadata: { c: "d" } });
    const items = await call(emulator, "GET", `${V1}/conversations/${id}/items?order=asc&limit=1`);
    expect(items.json).toMatchObject({ object: "list", has_more: false, data: [{ type: "message", role: "user" }] });
    expect((await call(emulator, "DELETE", `${V1}/conversations/${id}`)).json).toEqual({ id, object: "conversation.deleted", deleted: true });
    expect((await call(emulator, "GET", `${V1}/conversations/${id}`)).status).toBe(404);
  });

  it("is strict: not on the classic surface, bounded metadata and items, and exclusive with previous_response_id", async () => {
    expect((await post(emulator, "/openai/conversations?api-version=2025-03-01-preview", {})).status).toBe(404);
    const tooMany = await post(emulator, `${V1}/conversations`, { items: Array.from({ length: 21 }, () => ({ role: "user", content: "x" })) });
    expect(tooMany).toMatchObject({ status: 400, json: { error: { param: "items", code: "array_above_max_length" } } });
    const badMeta = await post(emulator, `${V1}/conversations`, { metadata: { a: 1 } });
    expect(badMeta).toMatchObject({ status: 400, json: { error: { code: "invalid_type" } } });

    const id = ((await post(emulator, `${V1}/conversations`, {})).json as { id: string }).id;
    const first = await post(emulator, `${V1}/responses`, { model: "gpt-4o", input: "one", conversation: id });
    expect(first.json).toMatchObject({ conversation: { id } });
    const both = await post(emulator, `${V1}/responses`, { model: "gpt-4o", input: "two", conversation: id, previous_response_id: (first.json as { id: string }).id });
    expect(both).toMatchObject({ status: 400, json: { error: { code: "mutually_exclusive_parameters" } } });
    const missing = await post(emulator, `${V1}/responses`, { model: "gpt-4o", input: "x", conversation: "conv_missing" });
    expect(missing).toMatchObject({ status: 404, json: { error: { message: "Conversation with id 'conv_missing' not found." } } });
    const items = await call(emulator, "GET", `${V1}/conversations/${id}/items?order=asc`);
    expect((items.json as { data: Array<{ role?: string }> }).data.map((i) => i.role)).toEqual(["user", "assistant"]);
  });
});
