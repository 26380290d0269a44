import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { censorSecretFields, createLogger, requestLineWriter } from "../src/logging/logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, raw, logger: createLogger({ destination, detailedDebug: true }) };
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

  it("writes the per-request line itself exactly as pino would: same keys, same order, same levels", () => {
    const { raw, logger } = capture();
    const fields = {
      request_id: "req_1",
      method: "POST",
      path: "/v1/responses",
      status: 200,
      latency_ms: 1.25,
      model_name: 'quo"ted\u2028',
      usage: { input_tokens: 3, output_tokens: 5 },
      cost: null,
      stream: undefined,
      error: { type: "t", code: null, message: "line\nbreak" },
    };
    logger.info(fields, "request");
    requestLineWriter(logger)("info", fields);
    logger.warn({ request_id: "r" }, "request");
    requestLineWriter(logger)("warn", { request_id: "r" });
    const strip = (line: string) => line.replace(/"time":\d+/, '"time":0');
    expect(raw).toHaveLength(4);
    expect(strip(raw[1]!)).toBe(strip(raw[0]!));
    expect(strip(raw[3]!)).toBe(strip(raw[2]!));
    expect(JSON.parse(raw[1]!)).toMatchObject({ level: "info", msg: "request", name: "dheera_ai", pid: process.pid, model_name: 'quo"ted\u2028' });
    expect(JSON.parse(raw[1]!)).not.toHaveProperty("stream");
  });

  it("writes no per-request line below the logger's level", () => {
    const { raw, logger } = capture();
    logger.level = "error";
    requestLineWriter(logger)("warn", { request_id: "r" });
    logger.level = "warn";
    requestLineWriter(logger)("info", { request_id: "r" });
    requestLineWriter(logger)("warn", { request_id: "w" });
    expect(raw.map((l) => JSON.parse(l).request_id)).toEqual(["w"]);
  });
});
