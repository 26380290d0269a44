import { toOpenAIError, type RouterTarget } from "@dheera/core";

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  /** The error the deployment answered, as the client would see it. */
  error?: { status: number; code: string | null; message: string };
}

/**
 * One small real request to a deployment, the way LiteLLM's `/health` checks one: a short
 * Responses create where the deployment speaks Responses natively, else a one-token chat
 * completion. It spends a few tokens, so it runs only when asked (`GET /health`).
 */
export async function probeDeployment(target: RouterTarget, timeoutMs: number): Promise<ProbeResult> {
  const { deployment } = target;
  const options = { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
  const started = performance.now();
  try {
    if (deployment.responses && (deployment.native.responses || !deployment.chat)) {
      await deployment.responses.create({ model: deployment.name, input: "ping", max_output_tokens: 16, store: false }, options);
    } else if (deployment.chat) {
      await deployment.chat.create({ model: deployment.name, messages: [{ role: "user", content: "ping" }], max_completion_tokens: 16 }, options);
    }
    return { ok: true, latencyMs: round(performance.now() - started) };
  } catch (err) {
    const { status, body } = toOpenAIError(err);
    return { ok: false, latencyMs: round(performance.now() - started), error: { status, code: body.error.code, message: body.error.message } };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
