import type { OutgoingHttpHeader } from "node:http";

/**
 * Response headers as `writeHead` also takes them: name, value, name, value, ... Lists are how
 * the hot paths hand headers on (the upstream's, the cost, the SSE ones): pushing onto one list
 * costs less than spreading objects whose shape differs with every upstream. Names are
 * lowercase and each appears once.
 */
export type HeaderList = OutgoingHttpHeader[];
