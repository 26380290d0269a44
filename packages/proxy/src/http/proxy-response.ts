import { ServerResponse, validateHeaderName, validateHeaderValue, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";

type HeaderValue = OutgoingHttpHeader | readonly string[];

/**
 * The proxy's ServerResponse: headers set before the head (`x-request-id`, the attempt and
 * rate-limit headers) wait in a short list of their own and leave with `writeHead` in one call,
 * which is Node's fast path. With Node's own store, a response whose headers were partly set
 * early took the slow path: every header of the head lowercased and stored once more, and a
 * dictionary of [name, value] pairs kept for the response's whole life (about 9 us and 1 KB per
 * request, issue 18). Anything that reads or removes headers (`getHeader`, `hasHeader`, ...)
 * hands the list to Node's store first, and from then on Node's store is used as it is.
 *
 * Names set early go out lowercased (HTTP/1.1 names are case-insensitive; the proxy spells
 * them so anyway). Names and values are checked when set, as Node checks them.
 */
export class ProxyResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Lowercased name, value, name, value, ...: what was set before the head. */
  #early: HeaderValue[] | undefined;
  /** Node's store holds the headers (something read them): the plain ServerResponse behaviour. */
  #native = false;

  override setHeader(name: string, value: HeaderValue): this {
    if (this.#native || this.headersSent) return super.setHeader(name, value);
    validateHeaderName(name);
    validateHeaderValue(name, value as string);
    const early = (this.#early ??= []);
    put(early, name.toLowerCase(), value);
    return this;
  }

  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    this.#writeHead(statusCode, reason, headers);
    // Node keeps the head it built (`_header`: the status line and every header line, joined one
    // piece at a time) for the response's whole life. Joined that way it is a tree of about 80
    // small strings; reading a character makes V8 flatten it in place into one, so an open
    // stream holds ~1 KB for its head instead of a few KB of pieces (issue 18, peak RSS).
    const head = (this as unknown as { _header?: unknown })._header;
    if (typeof head === "string") head.charCodeAt(0);
    return this;
  }

  #writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const early = this.#early;
    if (early === undefined || this.headersSent) return super.writeHead(statusCode, reason as string, headers);
    const message = typeof reason === "string" ? reason : undefined;
    const given = typeof reason === "string" ? headers : reason;
    if (Array.isArray(given) && (given.length % 2 !== 0 || Array.isArray(given[0]))) {
      // An array of pairs (rare), or a list Node refuses: Node's store merges it, or says what is wrong.
      this.#toNode();
      return this.#head(statusCode, message, given);
    }
    this.#early = undefined;
    if (Array.isArray(given)) {
      // A flat list (http/header-list.ts), merged the way setHeader would have merged it.
      for (let i = 0; i < given.length; i += 2) put(early, String(given[i]).toLowerCase(), given[i + 1]!);
    } else if (given) {
      for (const name in given) put(early, name.toLowerCase(), given[name] as HeaderValue);
    }
    return this.#head(statusCode, message, early as OutgoingHttpHeader[]);
  }

  #head(statusCode: number, message: string | undefined, headers: OutgoingHttpHeader[]): this {
    return message === undefined ? super.writeHead(statusCode, headers) : super.writeHead(statusCode, message, headers);
  }

  override getHeader(name: string): ReturnType<ServerResponse["getHeader"]> {
    this.#toNode();
    return super.getHeader(name);
  }

  override getHeaders(): OutgoingHttpHeaders {
    this.#toNode();
    return super.getHeaders();
  }

  override getHeaderNames(): string[] {
    this.#toNode();
    return super.getHeaderNames();
  }

  override hasHeader(name: string): boolean {
    this.#toNode();
    return super.hasHeader(name);
  }

  override removeHeader(name: string): void {
    this.#toNode();
    super.removeHeader(name);
  }

  override appendHeader(name: string, value: string | readonly string[]): this {
    this.#toNode();
    return super.appendHeader(name, value);
  }

  override setHeaders(headers: Headers | Map<string, number | string | readonly string[]>): this {
    this.#toNode();
    return super.setHeaders(headers);
  }

  /** From here on, Node's own store: what was set early is moved into it. */
  #toNode(): void {
    if (this.#native) return;
    this.#native = true;
    const early = this.#early;
    this.#early = undefined;
    if (early === undefined || this.headersSent) return;
    for (let i = 0; i < early.length; i += 2) super.setHeader(early[i] as string, early[i + 1]!);
  }
}

/** Sets `name` in a flat name/value list: replaces an earlier value, as setHeader does. */
function put(list: HeaderValue[], name: string, value: HeaderValue): void {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) {
      list[i + 1] = value;
      return;
    }
  }
  list.push(name, value);
}
