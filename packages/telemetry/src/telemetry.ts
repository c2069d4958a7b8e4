import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** The standard OTEL_* variables a service reads (parsed by @casino/config's `telemetryEnv`). */
export interface TelemetrySettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS: Record<string, string>;
  OTEL_SDK_DISABLED: boolean;
  OTEL_TRACES_SAMPLER: string;
  OTEL_TRACES_SAMPLER_ARG: number;
  OTEL_RESOURCE_ATTRIBUTES: Record<string, string>;
}

/** The traces of one service: its tracer (null when tracing is off) and its background-work spans. */
export interface Telemetry {
  readonly service: string;
  readonly enabled: boolean;
  /** This service's tracer; spans it starts carry the service's name. Null when tracing is off. */
  readonly tracer: Tracer | null;
  /**
   * Runs `fn` in a span of its own, a child of the active span (`root`: a trace of its own, for a background
   * pass). A failure marks the span as an error with the error's name only: messages may quote stored values.
   */
  withSpan<T>(
    name: string,
    attributes: Attributes,
    fn: (span: Span) => Promise<T> | T,
    options?: { root?: boolean },
  ): Promise<T>;
  /** Sends the spans still buffered and stops the exporter (graceful shutdown). */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** Receives the spans instead of the OTLP exporter (a test's in-process exporter); enables tracing. */
  exporter?: SpanExporter;
  /**
   * Also serves libraries that report through the process's global tracer provider (@apollo/gateway's own
   * request, plan and fetch spans): the gateway. The first service to claim it in a process keeps it.
   */
  global?: boolean;
}

/** Whether a service with these settings traces at all: an endpoint is configured and the SDK is not disabled. */
export function tracingEnabled(
  settings: Pick<TelemetrySettings, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SDK_DISABLED'>,
): boolean {
  return Boolean(settings.OTEL_EXPORTER_OTLP_ENDPOINT) && !settings.OTEL_SDK_DISABLED;
}

/** A span that records nothing, handed to work when tracing is off so it need not check. */
const DISABLED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** What a service has when it does not trace: no provider, no exporter, spans cost one call. */
export function disabledTelemetry(service: string): Telemetry {
  return {
    service,
    enabled: false,
    tracer: null,
    withSpan: async (_name, _attributes, fn) => fn(DISABLED_SPAN),
    shutdown: async () => {},
  };
}

/**
 * The tracer provider of one service, named after it (`service.name`), exporting over OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT. Without an endpoint (or with OTEL_SDK_DISABLED) nothing is created. Each service
 * has a provider of its own because the one-process stack runs six services side by side; the context manager
 * and the W3C propagator are process-wide and registered once.
 */
export function startTelemetry(
  service: string,
  settings: TelemetrySettings,
  options: TelemetryOptions = {},
): Telemetry {
  if (settings.OTEL_SDK_DISABLED || (!options.exporter && !settings.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    return disabledTelemetry(service);
  }
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      url: `${settings.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`,
      headers: settings.OTEL_EXPORTER_OTLP_HEADERS,
    });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...settings.OTEL_RESOURCE_ATTRIBUTES, 'service.name': service }),
    sampler: samplerOf(settings),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  registerProcessWide();
  const global = options.global === true && trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer('@casino/telemetry');
  let stopped: Promise<void> | null = null;
  const telemetry: Telemetry = {
    service,
    enabled: true,
    tracer,
    withSpan: (name, attributes, fn, spanOptions = {}) =>
      runInSpan(
        tracer,
        name,
        { attributes },
        fn,
        withTelemetry(spanOptions.root ? ROOT_CONTEXT : context.active(), telemetry),
      ),
    shutdown() {
      stopped ??= provider.shutdown().finally(() => {
        if (global) trace.disable();
      });
      return stopped;
    },
  };
  return telemetry;
}

const TELEMETRY = createContextKey('@casino/telemetry service');

/** `ctx` marked as work of `telemetry`'s service: `withSpan` inside it starts that service's spans. */
export function withTelemetry(ctx: Context, telemetry: Telemetry): Context {
  return ctx.setValue(TELEMETRY, telemetry);
}

/**
 * Runs `fn` in a span of the service whose work is running (a request, a job pass), as a child of the active
 * span; with tracing off, or outside any traced work, it just runs `fn`. Code deep in a service (an outbox
 * delivering one row) needs no tracer handed down.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const telemetry = context.active().getValue(TELEMETRY) as Telemetry | undefined;
  if (!telemetry) return Promise.resolve().then(() => fn(DISABLED_SPAN));
  return telemetry.withSpan(name, attributes, fn);
}

let registered = false;

/** Trace context follows async work (AsyncLocalStorage) and travels in `traceparent`/`tracestate` headers. */
function registerProcessWide(): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

function samplerOf(
  settings: Pick<TelemetrySettings, 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>,
): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG);
  switch (settings.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** Runs `fn` as the active span; a failure is recorded by the error's name, never its message. */
export function runInSpan<T>(
  tracer: Tracer,
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind },
  fn: (span: Span) => Promise<T> | T,
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error's type (its code name or class), leaving out the message. */
export function markFailed(span: Span, error: unknown): void {
  const type =
    (error as { codeName?: unknown } | null)?.codeName ?? (error instanceof Error ? error.name : 'Error');
  span.setAttribute('error.type', String(type));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

export { SpanKind };
export type { Attributes, Span, Tracer };
