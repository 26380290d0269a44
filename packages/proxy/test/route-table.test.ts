import { describe, expect, it } from "vitest";
import { createRouteTable, type Route } from "../src/http/route-table.js";

const h = () => {};
const routes: Route[] = [
  { method: "POST", pattern: "/responses", handler: h },
  { method: "GET", pattern: "/responses/:id", handler: h },
  { method: "DELETE", pattern: "/responses/:id", handler: h },
  { method: "POST", pattern: "/responses/:id/cancel", handler: h },
  { method: "POST", pattern: "/responses/input_tokens", handler: h },
  { method: "POST", pattern: "/responses/compact", handler: h },
  { method: "GET", pattern: "/health/liveliness", handler: h, public: true },
];
const table = createRouteTable(routes);

describe("route table", () => {
  it.each([
    ["POST", "/responses"],
    ["POST", "/v1/responses"],
    ["POST", "/openai/v1/responses"],
    ["POST", "/openai/responses"],
    ["POST", "/v1/responses/"],
  ])("serves %s %s with and without the version prefix", (method, path) => {
    expect(table.match(method, path)).toMatchObject({ kind: "found", route: routes[0] });
  });

  it("takes Azure's classic prefix only as a whole segment", () => {
    expect(table.match("GET", "/openai/responses/resp_1")).toMatchObject({ kind: "found", params: { id: "resp_1" } });
    expect(table.match("POST", "/openaix/responses")).toEqual({ kind: "not_found" });
    expect(table.match("POST", "/openai/v1x/responses")).toEqual({ kind: "not_found" });
  });

  it.each(["input_tokens", "compact"])("never takes the literal segment %s for a response id, under every prefix", (segment) => {
    for (const prefix of ["", "/v1", "/openai/v1", "/openai"]) {
      expect(table.match("POST", `${prefix}/responses/${segment}`)).toMatchObject({ kind: "found", route: { pattern: `/responses/${segment}` }, params: {} });
      expect(table.match("GET", `${prefix}/responses/${segment}`)).toEqual({ kind: "method_not_allowed", allow: "POST" });
    }
  });

  it("extracts and decodes the id", () => {
    expect(table.match("GET", "/v1/responses/resp_a%2Db")).toMatchObject({ kind: "found", params: { id: "resp_a-b" } });
    expect(table.match("POST", "/responses/resp_x/cancel")).toMatchObject({ kind: "found", route: routes[3], params: { id: "resp_x" } });
  });

  it("answers 405 with Allow for a known path and another method", () => {
    expect(table.match("PUT", "/v1/responses/resp_x")).toEqual({ kind: "method_not_allowed", allow: "GET, DELETE" });
    expect(table.match("GET", "/v1/responses")).toEqual({ kind: "method_not_allowed", allow: "POST" });
  });

  it("answers 404 for anything else", () => {
    expect(table.match("GET", "/v2/responses")).toEqual({ kind: "not_found" });
    expect(table.match("GET", "/v1/responses/a/b/c")).toEqual({ kind: "not_found" });
    expect(table.match("GET", "/v1/responses/%E0%A4%A")).toEqual({ kind: "not_found" });
    expect(table.match("GET", "/v1x/responses")).toEqual({ kind: "not_found" });
  });
});

describe("unprefixed routes", () => {
  const admin: Route = { method: "GET", pattern: "/spend/logs", handler: h, unprefixed: true };
  const t = createRouteTable([...routes, admin]);

  it("serves them only at their own path", () => {
    expect(t.match("GET", "/spend/logs")).toMatchObject({ kind: "found", route: admin });
    expect(t.match("GET", "/spend/logs/")).toMatchObject({ kind: "found", route: admin });
    expect(t.match("GET", "/v1/spend/logs")).toEqual({ kind: "not_found" });
    expect(t.match("GET", "/openai/v1/spend/logs")).toEqual({ kind: "not_found" });
    expect(t.match("DELETE", "/spend/logs")).toEqual({ kind: "method_not_allowed", allow: "GET" });
  });
});
