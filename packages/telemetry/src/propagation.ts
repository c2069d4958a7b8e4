import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Tracer } from '@opentelemetry/api';
import { runInSpan, withTelemetry } from './telemetry';
import type { Telemetry } from './telemetry';

/** Adds the active trace context (`traceparent`, `tracestate`) to the headers of an outgoing request. */
export function injectTraceContext(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/**
 * Starts the SERVER span of an incoming request as a child of the caller's `traceparent` (a new trace
 * without one) and ends it when the response is sent or the connection closes. Returns the context the
 * request's work runs in (where `withSpan` starts this service's spans). Only the method and path are recorded: never the query string, body or variables.
 */
export function startServerSpan(
  telemetry: Telemetry,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Context {
  if (!telemetry.tracer) return context.active();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const method = req.method ?? 'GET';
  const span = telemetry.tracer.startSpan(
    `${method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    parent,
  );
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  return withTelemetry(trace.setSpan(parent, span), telemetry);
}

/**
 * A call to another service in a CLIENT span of the caller's, with the headers that carry it (the receiver's
 * server span becomes its child). Outside any traced request or job (a revocation poll) the call is not traced:
 * routine polls would otherwise each start a trace.
 */
export function withClientSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  if (!trace.getSpan(context.active())?.isRecording()) return fn({});
  return runInSpan(tracer, name, { kind: SpanKind.CLIENT, attributes }, () => {
    const headers: Record<string, string> = {};
    injectTraceContext(headers);
    return fn(headers);
  });
}

/** Runs `fn` with `ctx` as the active context. */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
