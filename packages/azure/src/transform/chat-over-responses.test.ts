import { describe, expect, test } from "vitest";
import { collect, fromArray, responsesFixture } from "./__fixtures__/stream-fixtures.js";
import { chatOverResponses } from "./chat-over-responses.js";

describe("chatOverResponses", () => {
  test("request, response and stream are the chat-over-responses mappings", async () => {
    const context = { model: "dep1" };
    const request = chatOverResponses.request({ model: "azure/responses/dep1", messages: [{ role: "system", content: "S" }, { role: "user", content: "hi" }] }, context);
    expect(request).toMatchObject({ model: "azure/responses/dep1", instructions: "S", input: [{ type: "message", role: "user", content: "hi" }] });

    const events = responsesFixture("plain-text");
    const completion = chatOverResponses.response((events.at(-1) as { response: Parameters<typeof chatOverResponses.response>[0] }).response, context);
    expect(completion.choices[0]!.message.content).toBe("Hello, world!");

    const chunks = await collect(chatOverResponses.stream(fromArray(events), context));
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });
});
