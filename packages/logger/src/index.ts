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

export function createLogger({ name, level = 'info', destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
