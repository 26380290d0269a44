import { DheeraError } from "@dheera/core";
import type { RouteHandler, WebSocketHandler } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { ResponsesConnection } from "../websocket/responses-socket.js";

/** `GET /v1/responses` with `Upgrade: websocket`: the Responses API's WebSocket mode. */
export function responsesWebSocket(s: ProxyServices): WebSocketHandler {
  return (ws, socket, url, headers) => new ResponsesConnection(s, ws, socket, url, headers);
}

/** The same path as a plain GET: 426, saying how to connect. */
export const responsesUpgradeRequired: RouteHandler = ({ res }) => {
  res.setHeader("upgrade", "websocket");
  throw new DheeraError("GET /v1/responses opens the Responses API's WebSocket mode: send 'Connection: Upgrade' and 'Upgrade: websocket' (or POST to create a response).", {
    status: 426,
    type: "invalid_request_error",
    code: "websocket_upgrade_required",
  });
};
