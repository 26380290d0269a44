import { errors as undiciErrors } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { describeTransportContract } from "../testing/transport-contract.js";
import { mapNetworkError, undiciTransport } from "./undici-transport.js";

const transport = undiciTransport({ connectTimeoutMs: 2_000 });
afterAll(() => transport.close());

describeTransportContract("undiciTransport", () => transport);

describe("mapNetworkError", () => {
  const url = "https://res.openai.azure.com/openai/v1/responses?api-key=secret";

  it("maps undici's timeouts to UpstreamTimeoutError, also when they come from another undici copy", () => {
    expect(mapNetworkError(new undiciErrors.HeadersTimeoutError(), url)).toBeInstanceOf(UpstreamTimeoutError);
    expect(mapNetworkError(new undiciErrors.BodyTimeoutError(), url)).toBeInstanceOf(UpstreamTimeoutError);
    const foreign = Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(mapNetworkError(foreign, url)).toBeInstanceOf(UpstreamTimeoutError);
  });

  it("maps socket errors to UpstreamConnectionError naming only host:port", () => {
    const err = mapNetworkError(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }), url);
    expect(err).toBeInstanceOf(UpstreamConnectionError);
    expect((err as Error).message).toBe("Could not reach the upstream res.openai.azure.com: ENOTFOUND.");
  });

  it("leaves aborts and programming errors as they are", () => {
    const abort = new DOMException("aborted", "AbortError");
    expect(mapNetworkError(abort, url)).toBe(abort);
    const misuse = new undiciErrors.InvalidArgumentError("invalid method");
    expect(mapNetworkError(misuse, url)).toBe(misuse);
    const plain = new TypeError("boom");
    expect(mapNetworkError(plain, url)).toBe(plain);
  });
});
