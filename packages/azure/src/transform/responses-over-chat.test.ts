import type { ResponseStreamEvent } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { chatFixture, collect, fromArray } from "./__fixtures__/stream-fixtures.js";
import type { ResponsesEchoContext } from "./response-object-builder.js";
import { responsesOverChat } from "./responses-over-chat.js";

describe("responsesOverChat", () => {
  test("request, response and stream are the responses-over-chat mappings; the request in the context is echoed", async () => {
    const request = { model: "dep1", instructions: "S", input: "hi", stream: true };
    const context: ResponsesEchoContext = { model: "dep1", request };
    expect(responsesOverChat.request(request, context)).toMatchObject({
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });

    const response = responsesOverChat.response(
      { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] },
      context,
    );
    expect(response).toMatchObject({ id: "resp_1", status: "completed", instructions: "S" });

    const events = (await collect(responsesOverChat.stream(fromArray(chatFixture("text")), context))) as (ResponseStreamEvent & { response?: unknown })[];
    expect(events.at(-1)).toMatchObject({ type: "response.completed", response: { instructions: "S" } });
  });
});
