import compression from 'compression';
import type { RequestHandler } from 'express';

/**
 * Compresses responses of at least `thresholdBytes` with brotli or gzip, as the client's Accept-Encoding
 * prefers (brotli at quality 4, the `compression` package's default: most of the gain for little CPU). Small
 * answers (a KPI tile) go out as they are: compressing them costs more than it saves.
 */
export function compressionMiddleware(thresholdBytes: number): RequestHandler {
  return compression({ threshold: thresholdBytes });
}
