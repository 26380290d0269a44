import { describe, expect, it } from "vitest";
import {
  DheeraError,
  defaultTypeForStatus,
  InvalidRequestError,
  isRetryableError,
  NotFoundError,
  ProviderNotInstalledError,
  RateLimitError,
  UpstreamConnectionError,
  UpstreamError,
} from "./dheera-error.js";

describe("DheeraError", () => {
  it("carries provider, upstream request id, upstream error and cause", () => {
    const cause = new Error("socket");
    const upstreamError = { code: "DeploymentNotFound", message: "no such deployment" };
    const err = new UpstreamError("not found upstream", { status: 404, provider: "azure", upstreamRequestId: "apim-1", upstreamError, cause });
    expect(err).toMatchObject({ status: 404, provider: "azure", upstreamRequestId: "apim-1", upstreamError, cause });
    expect(err.name).toBe("UpstreamError");
    expect(err).toBeInstanceOf(DheeraError);
    expect(err).toBeInstanceOf(Error);
  });

  it("names each subclass after itself", () => {
    expect(new RateLimitError("x").name).toBe("RateLimitError");
    expect(new ProviderNotInstalledError("nope", "@dheera/nope").name).toBe("ProviderNotInstalledError");
  });

  it("lets a subclass keep a status given in options", () => {
    expect(new InvalidRequestError("too large", { status: 413 }).status).toBe(413);
    expect(new UpstreamConnectionError("reset", { status: 503 }).status).toBe(503);
  });

  it("recognises an error made by another copy of @dheera/core, where instanceof fails", async () => {
    // A second module instance of this file stands for a duplicate install of the package.
    const copyPath: string = "./dheera-error.js?duplicate-copy";
    const copy = (await import(/* @vite-ignore */ copyPath)) as typeof import("./dheera-error.js");
    expect(copy.DheeraError).not.toBe(DheeraError);
    const foreign = new copy.RateLimitError("slow down");
    expect(foreign).not.toBeInstanceOf(DheeraError);
    expect(DheeraError.isInstance(foreign)).toBe(true);
  });

  it("recognises a structural copy that kept the marker, and rejects look-alikes without it", () => {
    const copy = { ...new NotFoundError("no such response") };
    expect(DheeraError.isInstance(copy)).toBe(true);
    expect(DheeraError.isInstance({ status: 404, type: "not_found_error", message: "x", code: null, param: null })).toBe(false);
    expect(DheeraError.isInstance(new Error("x"))).toBe(false);
    expect(DheeraError.isInstance(null)).toBe(false);
    expect(DheeraError.isInstance("error")).toBe(false);
  });
});

describe("defaultTypeForStatus", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "invalid_request_error"],
    [403, "invalid_request_error"],
    [404, "invalid_request_error"],
    [409, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "server_error"],
    [502, "api_connection_error"],
    [503, "server_error"],
    [504, "timeout_error"],
  ])("maps %i to %s", (status, type) => {
    expect(defaultTypeForStatus(status)).toBe(type);
  });
});

describe("isRetryable", () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [529, true],
  ])("an upstream %i is retryable: %s", (status, retryable) => {
    expect(new UpstreamError("x", { status }).isRetryable).toBe(retryable);
  });

  it("says a connection or timeout failure is retryable, whatever its status", () => {
    expect(new UpstreamConnectionError("connect ECONNREFUSED 127.0.0.1:1").isRetryable).toBe(true);
    expect(new UpstreamError("no answer in time", { status: 400, type: "timeout_error" }).isRetryable).toBe(true);
  });

  it("is answered for an error made by another copy of @dheera/core", () => {
    expect(isRetryableError({ status: 503, type: "server_error" })).toBe(true);
    expect(isRetryableError({ status: 400, type: "invalid_request_error" })).toBe(false);
  });
});
