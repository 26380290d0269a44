import { takeEncryptedContentMarks } from "./encrypted-content.js";
import { decodeResponseId } from "./response-id.js";
import type { Router, RouterTarget } from "./router.js";

export interface StatePin {
  /** The deployment that must serve the request, if the state it names lives on one of the model's. */
  pinned: RouterTarget | undefined;
  /** A `previous_response_id` this router did not issue (passed on as the caller wrote it). */
  foreignPrevious: string | undefined;
  /** The conversation the request names, when the router issued its id: the upstream's id and the caller's. */
  conversation?: { upstreamId: string; id: string } | undefined;
}

/**
 * Where a Responses request's state lives. A `previous_response_id` the router issued is
 * rewritten to the upstream's own id, and encrypted reasoning the caller replays (`store: false`)
 * loses the router's mark (core's `encryptedContentMark`); either pins the request to the
 * deployment holding that state, or to a deployment of the requested model on the same resource
 * (same api_base: a resource's deployments share its stored responses). A `conversation` the
 * router issued pins the same way and is rewritten to the upstream's id. Rewrites `request` in place.
 */
export function pinToState(router: Router, request: { model: unknown; previous_response_id?: unknown; input?: unknown; conversation?: unknown }): StatePin {
  let pinned: RouterTarget | undefined;
  let foreignPrevious: string | undefined;
  let conversation: StatePin["conversation"];
  // `conversation`: an id, or `{ id }`; a conversation lives on one resource, like a stored response.
  const named = request.conversation;
  const conversationId = typeof named === "string" ? named : typeof named === "object" && named !== null && typeof (named as { id?: unknown }).id === "string" ? (named as { id: string }).id : undefined;
  const decodedConversation = conversationId !== undefined ? router.decodeConversationId(conversationId) : undefined;
  if (conversationId !== undefined && decodedConversation) {
    conversation = { upstreamId: decodedConversation.upstreamId, id: conversationId };
    request.conversation = typeof named === "string" ? decodedConversation.upstreamId : { ...(named as object), id: decodedConversation.upstreamId };
    pinned = servingSibling(router, request.model, decodedConversation.target);
  }
  if (typeof request.previous_response_id === "string") {
    const decoded = decodeResponseId(request.previous_response_id);
    const holder = decoded && router.byId(decoded.deploymentKey);
    if (decoded && holder) {
      request.previous_response_id = decoded.upstreamId;
      pinned = servingSibling(router, request.model, holder);
    } else {
      foreignPrevious = request.previous_response_id;
    }
  }
  const issuer = takeEncryptedContentMarks(request.input);
  if (pinned === undefined && issuer !== undefined) {
    const holder = router.byId(issuer);
    if (holder) pinned = servingSibling(router, request.model, holder);
  }
  return conversation ? { pinned, foreignPrevious, conversation } : { pinned, foreignPrevious };
}

/** `holder` when it serves `model` (Responses), else such a deployment on the same resource. */
function servingSibling(router: Router, model: unknown, holder: RouterTarget): RouterTarget | undefined {
  if (typeof model !== "string") return undefined;
  let sibling: RouterTarget | undefined;
  for (const t of router.group(model)) {
    if (!t.deployment.responses) continue;
    if (t === holder) return t;
    if (sibling === undefined && t.deployment.apiBase === holder.deployment.apiBase) sibling = t;
  }
  return sibling;
}
