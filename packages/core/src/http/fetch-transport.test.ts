import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UpstreamConnectionError } from "../errors/dheera-error.js";
import { decodeSse } from "../sse/sse-decoder.js";
import { collect, utf8 } from "../testing/async-iterables.js";
import { describeTransportContract } from "../testing/transport-contract.js";
import { fetchTransport } from "./fetch-transport.js";

describeTransportContract("fetchTransport", () => fetchTransport());

describe("fetchTransport with msw", { timeout: 5_000 }, () => {
  // Created before msw starts: the transport must look global fetch up per call.
  const transport = fetchTransport();
  const seen: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const server = setupServer(
    http.post("http://upstream.test/openai/v1/responses", async ({ request }) => {
      seen.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.json() });
      return HttpResponse.json({ id: "resp_1", object: "response" }, { status: 200, headers: { "x-request-id": "req_msw" } });
    }),
    http.get("http://upstream.test/stream", () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(utf8("event: response.created\ndata: {}\n\n"));
          controller.enqueue(utf8("event: response.completed\ndata: {}\n\n"));
          controller.close();
        },
      });
      return new HttpResponse(body, { headers: { "content-type": "text/event-stream" } });
    }),
    http.get("http://upstream.test/down", () => HttpResponse.error()),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("is intercepted by msw's setupServer through the global fetch", async () => {
    const res = await transport({
      method: "POST",
      url: "http://upstream.test/openai/v1/responses",
      headers: { "content-type": "application/json", "api-key": "k" },
      body: '{"model":"dep","input":"hi"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toBe("req_msw");
    expect(JSON.parse(await res.text())).toEqual({ id: "resp_1", object: "response" });
    expect(seen).toEqual([
      { url: "http://upstream.test/openai/v1/responses", headers: expect.objectContaining({ "api-key": "k" }), body: { model: "dep", input: "hi" } },
    ]);
  });

  it("streams an msw body as SSE", async () => {
    const res = await transport({ method: "GET", url: "http://upstream.test/stream", headers: {} });
    const messages = await collect(decodeSse(res.body));
    expect(messages.map((m) => m.event)).toEqual(["response.created", "response.completed"]);
  });

  it("lets a consumer leave an msw stream early without hanging", async () => {
    const res = await transport({ method: "GET", url: "http://upstream.test/stream", headers: {} });
    for await (const _chunk of res.body) break;
    // Reaching here within the test timeout is the point: msw 2 never settles a body cancel.
    expect(res.status).toBe(200);
  });

  it("turns an msw network error into UpstreamConnectionError", async () => {
    await expect(transport({ method: "GET", url: "http://upstream.test/down", headers: {} })).rejects.toBeInstanceOf(UpstreamConnectionError);
  });
});

describe("fetchTransport with an explicit fetch", () => {
  it("calls the given fetch instead of the global one", async () => {
    const fetchFn = vi.fn(async () => new Response("ok", { status: 200 }));
    const res = await fetchTransport(fetchFn)({ method: "DELETE", url: "http://upstream.test/responses/resp_1", headers: { accept: "*/*" } });
    expect(fetchFn).toHaveBeenCalledWith("http://upstream.test/responses/resp_1", expect.objectContaining({ method: "DELETE" }));
    expect(await res.text()).toBe("ok");
  });

  it("dump() releases an unread body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(utf8("x")),
      cancel: () => {
        cancelled = true;
      },
    });
    const res = await fetchTransport(async () => new Response(body))({ method: "GET", url: "http://upstream.test/", headers: {} });
    await res.dump();
    expect(cancelled).toBe(true);
  });
});
