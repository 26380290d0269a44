import { DheeraError, type ResponsesOperations } from "@dheera/core";

/**
 * `responses_via_chat: "auto"`: the Responses API natively until the server shows it has no such
 * route, then through its chat route for good (this deployment, this process). Safe because the
 * sign is unambiguous and nothing was generated yet: a route-level 404/405/501 before any answer
 * (vLLM's `{"detail":"Not Found"}`, LM Studio's "Unexpected endpoint"), never a 404 about the
 * model (`model_not_found`, vLLM's "The model ... does not exist") or about a response id.
 */
export function autoResponses(native: ResponsesOperations, viaChat: ResponsesOperations, onSwitch: () => void): ResponsesOperations {
  let chat = false;
  const fallBack = <A extends unknown[], R>(call: (ops: ResponsesOperations) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (chat) return call(viaChat)(...args);
      try {
        return await call(native)(...args);
      } catch (err) {
        if (!isMissingRoute(err)) throw err;
        if (!chat) onSwitch();
        chat = true;
        return call(viaChat)(...args);
      }
    };
  const stateful = <A extends unknown[], R>(call: (ops: ResponsesOperations) => (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => call(chat ? viaChat : native)(...args);
  return {
    create: fallBack((ops) => ops.create),
    // Through chat there is no upstream text to relay: the built Response is the text.
    createRaw: fallBack((ops) => (ops === native && ops.createRaw ? ops.createRaw : async (request, options) => {
      const result = await ops.create(request, options);
      return { ...result, raw: JSON.stringify(result.body) };
    })),
    stream: fallBack((ops) => ops.stream),
    retrieve: stateful((ops) => ops.retrieve),
    retrieveStream: stateful((ops) => ops.retrieveStream!),
    delete: stateful((ops) => ops.delete),
    cancel: stateful((ops) => ops.cancel),
    listInputItems: stateful((ops) => ops.listInputItems),
  };
}

export function isMissingRoute(err: unknown): boolean {
  if (!DheeraError.isInstance(err) || ![404, 405, 501].includes(err.status)) return false;
  if (err.code === "model_not_found" || err.code === "404" || /model/i.test(err.message)) return false;
  return true;
}
