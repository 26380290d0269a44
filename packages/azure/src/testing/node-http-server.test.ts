import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";

/** The loopback adapter: real sockets, bodies streamed frame by frame, clean shutdown. */

const headers = { "api-key": "test-azure-key", "content-type": "application/json" };
const streamBody = JSON.stringify({ model: "gpt-4o", input: "one two three four five six", stream: true });

describe("listen()", () => {
  it("binds 127.0.0.1 on a free port", async () => {
    const server = await createAzureEmulator().listen();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const res = await fetch(`${server.url}/openai/v1/models`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ms-region")).toBe("Sweden Central");
    } finally {
      await server.close();
    }
  });

  it("delivers each SSE event as it is produced, not at the end", async () => {
    // Gaps wide enough that "first event at once, the rest later" holds on a loaded CI machine.
    const server = await createAzureEmulator({ streamDelayMs: 150 }).listen();
    try {
      const started = Date.now();
      const res = await fetch(`${server.url}/openai/responses?api-version=2025-03-01-preview`, { method: "POST", headers, body: streamBody });
      const reader = res.body!.getReader();
      const first = await reader.read();
      const firstAt = Date.now() - started;
      expect(new TextDecoder().decode(first.value)).toMatch(/^event: response\.created\n/);
      let rest = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += new TextDecoder().decode(value);
      }
      const total = Date.now() - started;
      // 16 events with 150 ms between them: the first arrives long before the last (2.25 s).
      expect(firstAt).toBeLessThan(1000);
      expect(total).toBeGreaterThan(2000);
      expect(rest.trimEnd().split("\n\n").at(-1)).toMatch(/^event: response\.completed/);
    } finally {
      await server.close();
    }
  });

  it("stops producing when the client aborts", async () => {
    const emulator = createAzureEmulator({ streamDelayMs: 30 });
    const server = await emulator.listen();
    try {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/openai/responses?api-version=2025-03-01-preview`, { method: "POST", headers, body: streamBody, signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await expect(reader.read()).rejects.toThrow();
      expect(emulator.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("ends open streams on close()", async () => {
    const server = await createAzureEmulator({ streamDelayMs: 1000 }).listen();
    const received = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${server.url}/openai/responses?api-version=2025-03-01-preview`, { method: "POST", headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.includes("response.created")) void server.close();
        });
        res.on("end", () => resolve(text));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(streamBody);
    });
    const started = Date.now();
    const text = await received;
    expect(text).toMatch(/^event: response\.created/);
    expect(text).not.toContain("response.completed");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("serves a fixed port when asked", async () => {
    const probe = await createAzureEmulator().listen();
    const port = probe.port;
    await probe.close();
    const server = await createAzureEmulator().listen({ port, host: "127.0.0.1" });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await server.close();
    }
  });
});

describe("in-process streaming", () => {
  it("ends the SSE body when the request signal aborts", async () => {
    // The next event would come after 5 s: ending well before that is the abort's doing.
    const emulator = createAzureEmulator({ streamDelayMs: 5000 });
    const controller = new AbortController();
    const res = await emulator.handle(
      new Request("https://res.openai.azure.com/openai/v1/responses", { method: "POST", headers, body: streamBody, signal: controller.signal }),
    );
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const started = Date.now();
    const next = await reader.read();
    expect(next.done).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("delays the first byte by 1.5 s on [[slow]]", async () => {
    const emulator = createAzureEmulator();
    const started = Date.now();
    const res = await emulator.handle(
      new Request("https://res.openai.azure.com/openai/v1/responses", { method: "POST", headers, body: JSON.stringify({ model: "gpt-4o", input: "[[slow]] hi" }) }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1450);
    expect(res.status).toBe(200);
  });
});
