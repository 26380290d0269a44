import type { IncomingHttpHeaders } from "node:http";
import type { Attributes, Context, Span, TextMapGetter, TextMapSetter } from "@opentelemetry/api";
import type { AttemptRecord, LoggedError, LoggingPayload, RouterTarget } from "@dheera/core";

/*
 * OpenTelemetry traces: one server span per request (continuing the client's W3C `traceparent`)
 * and one client span per upstream attempt (whose `traceparent` goes to the upstream), with the
 * GenAI semantic conventions. Everything OpenTelemetry is loaded by `openTracing`, only when
 * tracing is configured: without it the proxy loads none of it and a request pays one property
 * check.
 */

export interface TracingOptions {
  /** OTLP/HTTP base URL (`/v1/traces` is appended); absent: the standard OTEL_EXPORTER_OTLP_* variables. */
  endpoint?: string | undefined;
  headers?: Record<string, string> | undefined;
  serviceName: string;
  serviceVersion: string;
}

/** The upstream attempt of a model call, as a span. */
export interface AttemptTrace {
  /** `traceparent` (and `tracestate`) for the upstream request. */
  readonly headers: Record<string, string>;
  /** The attempt's outcome. A streamed success stays open until the call is done (its usage is known then). */
  end(record: AttemptRecord, stream: boolean): void;
}

/** One request's spans. */
export interface RequestTrace {
  attempt(info: { target: RouterTarget; modelName: string; number: number; operation: string; fallback: string | null }): AttemptTrace;
  /** A model call's outcome: GenAI attributes on the server span; ends an open stream attempt. */
  callFinished(payload: LoggingPayload, operation: string, target: RouterTarget | undefined): void;
  /** The response is done. */
  end(status: number, route: string | undefined, error: LoggedError | undefined): void;
}

export interface Tracing {
  begin(headers: IncomingHttpHeaders, method: string, path: string): RequestTrace;
  /** Exports what is still buffered. */
  shutdown(): Promise<void>;
}

/** Tracing is on when the config has an `otel` callback or the standard variables name an endpoint (and the SDK is not disabled). */
export function tracingWanted(env: Record<string, string | undefined>, configured: boolean): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER?.toLowerCase() === "none") return false;
  return configured || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The GenAI system of a deployment: what its provider declares, else its provider id. */
const systemOf = (target: RouterTarget) => target.deployment.genAiSystem ?? target.deployment.provider;

/**
 * Batching when the OTEL_BSP_* variables do not say otherwise. The SDK's defaults (2,048 spans
 * queued, sent every 5 s) drop most spans of a gateway doing a few hundred requests a second.
 */
const BATCHING = [
  ["maxQueueSize", "OTEL_BSP_MAX_QUEUE_SIZE", 16_384],
  ["maxExportBatchSize", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 2048],
  ["scheduledDelayMillis", "OTEL_BSP_SCHEDULE_DELAY", 1000],
] as const;

export async function openTracing(options: TracingOptions, env: Record<string, string | undefined> = process.env): Promise<Tracing> {
  // OTLP's default protocol is http/protobuf (2.4x cheaper to encode than JSON, and smaller); http/json on request.
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").toLowerCase();
  const [api, sdk, otlp, resources, core] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-base"),
    protocol === "http/json" ? import("@opentelemetry/exporter-trace-otlp-http") : import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
  ]);
  const { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } = api;
  const exporter = new otlp.OTLPTraceExporter(
    options.endpoint !== undefined ? { url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces`, ...(options.headers ? { headers: options.headers } : {}) } : {},
  );
  const batching: Record<string, number> = {};
  for (const [option, variable, value] of BATCHING) if (!env[variable]) batching[option] = value;
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ "service.name": options.serviceName, "service.version": options.serviceVersion }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, batching)],
  });
  const tracer = provider.getTracer("@dheera/proxy", options.serviceVersion);
  const propagator = new core.W3CTraceContextPropagator();

  const begin = (headers: IncomingHttpHeaders, method: string, path: string): RequestTrace => {
    const parent: Context = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
    const server: Span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": path } }, parent);
    const serverContext = trace.setSpan(parent, server);
    // A trace the sampler left out still travels upstream (flags 00), but builds no attributes.
    if (!server.isRecording()) return unrecorded(server, serverContext);
    let open: Span | undefined;
    let lastStatus: number | undefined;

    return {
      attempt({ target, modelName, number, operation, fallback }) {
        if (number > 1) {
          server.addEvent("dheera.retry", { "dheera.attempt": number, "dheera.deployment_id": target.id, ...(lastStatus !== undefined ? { "dheera.previous_status": lastStatus } : {}) });
        }
        if (fallback !== null) server.addEvent("dheera.fallback", { "dheera.fallback_model": fallback, "dheera.attempt": number });
        const system = systemOf(target);
        const attributes: Attributes = {
          "gen_ai.operation.name": operation,
          "gen_ai.system": system,
          "gen_ai.provider.name": system,
          "gen_ai.request.model": target.deployment.name,
          "dheera.model_name": modelName,
          "dheera.deployment_id": target.id,
          "dheera.attempt": number,
          ...serverAttributesOf(target.deployment.apiBase),
        };
        const span = tracer.startSpan(`${operation} ${target.deployment.name}`, { kind: SpanKind.CLIENT, attributes }, serverContext);
        const carrier: Record<string, string> = {};
        propagator.inject(trace.setSpan(serverContext, span), carrier, recordSetter);
        open = span;
        return {
          headers: carrier,
          end(record, stream) {
            lastStatus = record.status;
            if (record.status >= 100) span.setAttribute("http.response.status_code", record.status);
            const failed = record.status === 0 || record.status >= 400 || record.error_code !== null;
            if (failed) {
              span.setAttribute("error.type", record.error_code ?? String(record.status));
              span.setStatus({ code: SpanStatusCode.ERROR, message: record.error_code ?? `status ${record.status}` });
            }
            if (stream && !failed) return; // ends with the stream, in callFinished
            span.end();
            if (open === span) open = undefined;
          },
        };
      },

      callFinished(payload, operation, target) {
        const usage = payload.usage;
        const genAi: Attributes = {
          "gen_ai.operation.name": operation,
          "gen_ai.request.model": payload.model,
          ...(target ? { "gen_ai.system": systemOf(target), "gen_ai.provider.name": systemOf(target), "gen_ai.response.model": target.deployment.name } : {}),
          ...(payload.response_id !== null ? { "gen_ai.response.id": payload.response_id } : {}),
          ...(usage ? { "gen_ai.usage.input_tokens": usage.input_tokens, "gen_ai.usage.output_tokens": usage.output_tokens } : {}),
        };
        server.setAttributes({
          ...genAi,
          "dheera.stream": payload.stream,
          ...(payload.cost !== null ? { "dheera.cost_usd": payload.cost } : {}),
          ...(payload.time_to_first_token_ms !== null ? { "dheera.time_to_first_token_ms": payload.time_to_first_token_ms } : {}),
          ...(payload.attempts ? { "dheera.attempts": payload.attempts.length } : {}),
        });
        if (payload.error) {
          server.setAttribute("error.type", payload.error.code ?? payload.error.type);
          // A failure inside a 200 stream is the server's error too; a 4xx stays the client's.
          if (payload.error.status >= 500) server.setStatus({ code: SpanStatusCode.ERROR, message: payload.error.message.slice(0, 200) });
        }
        if (open) {
          open.setAttributes(genAi);
          // A stream that broke after its first event failed, though its attempt had succeeded.
          if (payload.error) open.setStatus({ code: SpanStatusCode.ERROR, message: payload.error.message.slice(0, 200) });
          open.end();
          open = undefined;
        }
      },

      end(status, route, error) {
        open?.end();
        open = undefined;
        if (route !== undefined) {
          // HTTP semantic conventions: `{method} {route}`, never the raw path (ids would explode the names).
          server.updateName(`${method} ${route}`);
          server.setAttribute("http.route", route);
        }
        server.setAttribute("http.response.status_code", status);
        // Server spans: a 5xx (or a failure inside a 200 stream) is the server's error; a 4xx is the client's.
        if (status >= 500 || (error && error.status >= 500)) {
          server.setAttribute("error.type", error?.code ?? String(status));
          server.setStatus({ code: SpanStatusCode.ERROR, ...(error ? { message: error.message.slice(0, 200) } : {}) });
        }
        server.end();
      },
    };
  };

  /** The spans of a request the sampler left out: nothing is recorded; the upstream still gets the trace's context. */
  const unrecorded = (server: Span, serverContext: Context): RequestTrace => {
    // Built at the first attempt (a request refused before one needs no headers). Not a lazy
    // getter: an object literal with a getter gets a hidden class of its own, which V8's young
    // collections keep alive, and the request's objects with it, until a full GC.
    let attempt: AttemptTrace | undefined;
    return {
      attempt: () => {
        if (attempt === undefined) {
          const headers: Record<string, string> = {};
          propagator.inject(serverContext, headers, recordSetter);
          attempt = { headers, end() {} };
        }
        return attempt;
      },
      callFinished() {},
      end: () => server.end(),
    };
  };

  return {
    begin,
    shutdown: () => provider.shutdown(),
  };
}

/** `server.address` and `server.port` of each api_base, parsed once. */
const serverAttributeCache = new Map<string, Attributes>();
function serverAttributesOf(apiBase: string): Attributes {
  let attributes = serverAttributeCache.get(apiBase);
  if (attributes === undefined) {
    attributes = serverAttributes(apiBase);
    serverAttributeCache.set(apiBase, attributes);
  }
  return attributes;
}

function serverAttributes(apiBase: string): Attributes {
  try {
    const url = new URL(apiBase);
    return { "server.address": url.hostname, "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
  } catch {
    return {};
  }
}
