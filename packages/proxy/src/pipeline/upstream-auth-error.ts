import { DheeraError, type RouterTarget } from "@dheera/core";

/**
 * An upstream 401 means the proxy's own credentials for a deployment are wrong (a rotated Azure
 * key, an expired token), not the caller's: the caller's key was already accepted. Told apart
 * from the proxy's own 401 (`invalid_api_key`) by its code and a message that names the
 * deployment to fix, so neither the caller nor the operator hunts for the wrong key.
 */
export function explainUpstreamAuthFailure(err: unknown, target: RouterTarget | undefined): unknown {
  if (!target || !DheeraError.isInstance(err) || err.status !== 401 || err.provider === undefined) return err;
  const upstream = err.message.replace(/\.?\s*$/, ".");
  return new DheeraError(
    `The upstream refused the proxy's credentials for model "${target.modelName}" (deployment ${target.reference} at ${target.deployment.apiBase}): ${upstream} ` +
      "The key you sent was accepted; the proxy's operator has to fix that deployment's credentials in its config.",
    {
      status: 401,
      type: "authentication_error",
      code: "upstream_authentication_error",
      provider: err.provider,
      headers: err.headers,
      ...(err.upstreamRequestId ? { upstreamRequestId: err.upstreamRequestId } : {}),
      upstreamError: err.upstreamError,
      cause: err,
    },
  );
}
