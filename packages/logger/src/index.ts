import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Field paths that may carry secrets or personal data. pino replaces them before a line is written, so a
 * careless `log.info({ input })` cannot leak them.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'variables',
  '*.variables',
  'nicPassport',
  '*.nicPassport',
  'nic_passport',
  '*.nic_passport',
  'idDocument',
  '*.idDocument',
  'id_document',
  '*.id_document',
  'salary',
  '*.salary',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  destination?: pino.DestinationStream;
}

/**
 * The trace and span of the work a line is written in (when a trace is being recorded), so a line leads to its
 * trace and a trace to its lines.
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  // a new object every time: pino merges the line's own fields into what the mixin returns
  if (!span || !trace.isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}

export function createLogger({ name, level = 'info', destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { service: name },
    mixin: traceFields,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
