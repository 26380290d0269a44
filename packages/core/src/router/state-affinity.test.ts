import { describe, expect, it } from "vitest";
import type { Deployment } from "../provider/deployment.js";
import { encryptedContentMark } from "./encrypted-content.js";
import type { RoutedDeployment } from "./model-list.js";
import { encodeResponseId } from "./response-id.js";
import { Router } from "./router.js";
import { deploymentRouting } from "./router-settings.js";
import { pinToState } from "./state-affinity.js";

const entry = (index: number, modelName: string, id: string, apiBase: string): RoutedDeployment => ({
  index,
  modelName,
  reference: `fake/${id}`,
  id,
  deployment: { provider: "fake", name: id, apiBase, native: { responses: true, chat: true }, responses: {} as never } satisfies Deployment,
  routing: deploymentRouting(),
});

const router = new Router([entry(0, "big", "big-east", "https://east"), entry(1, "small", "small-west", "https://west"), entry(2, "small", "small-east", "https://east")]);

describe("pinToState", () => {
  it("pins a follow-up to the deployment holding its previous response, with the upstream's own id", () => {
    const request = { model: "big", previous_response_id: encodeResponseId("big-east", "resp_up") };
    expect(pinToState(router, request).pinned?.id).toBe("big-east");
    expect(request.previous_response_id).toBe("resp_up");
  });

  it("pins a follow-up on another model_name to that model's deployment on the same resource", () => {
    const request = { model: "small", previous_response_id: encodeResponseId("big-east", "resp_up") };
    expect(pinToState(router, request).pinned?.id).toBe("small-east");
  });

  it("pins replayed encrypted reasoning the same way and takes its mark off", () => {
    const input = [{ type: "reasoning", encrypted_content: `${encryptedContentMark("big-east")}gAAAA` }];
    expect(pinToState(router, { model: "small", input }).pinned?.id).toBe("small-east");
    expect(input[0]!.encrypted_content).toBe("gAAAA");
  });

  it("reports a previous_response_id it did not issue and leaves it as it is", () => {
    const request = { model: "big", previous_response_id: "resp_somebody_elses" };
    expect(pinToState(router, request)).toEqual({ pinned: undefined, foreignPrevious: "resp_somebody_elses" });
    expect(request.previous_response_id).toBe("resp_somebody_elses");
  });
});
