import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { censorSecretFields, createLogger } from "../src/logging/logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ destination, detailedDebug: true }) };
}

describe("logger", () => {
  it("censors header-shaped and key fields one level deep, without changing the caller's object", () => {
    const { lines, logger } = capture();
    const body = { headers: { authorization: "Bearer sk-1", "api-key": "k", "x-api-key": "k", accept: "x" }, params: { api_key: "k", model: "m" }, config: { master_key: "mk" } };
    logger.debug(body, "request body");
    expect(lines[0]).toMatchObject({
      level: "debug",
      headers: { authorization: "[REDACTED]", "api-key": "[REDACTED]", "x-api-key": "[REDACTED]", accept: "x" },
      params: { api_key: "[REDACTED]", model: "m" },
      config: { master_key: "[REDACTED]" },
    });
    expect(body.headers.authorization).toBe("Bearer sk-1");
    expect(typeof lines[0]!.time).toBe("number");
  });

  it("leaves objects without secret fields as they are (same object)", () => {
    const obj = { request_id: "r", usage: { input_tokens: 1 }, list: [{ api_key: "k" }] };
    expect(censorSecretFields(obj)).toBe(obj);
  });

  it("writes the per-request line as given", () => {
    const { lines, logger } = capture();
    logger.info({ request_id: "r", status: 200, usage: { input_tokens: 3 } }, "request");
    expect(lines[0]).toMatchObject({ msg: "request", request_id: "r", status: 200, usage: { input_tokens: 3 } });
  });
});
