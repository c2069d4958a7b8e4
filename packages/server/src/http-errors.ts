import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '@casino/logger';

/** The largest request body read (JSON) unless MAX_REQUEST_BODY_BYTES says otherwise; bigger is PAYLOAD_TOO_LARGE. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** A GraphQL-shaped error body, so clients read every refusal the same way, whatever refused it. */
export function sendHttpError(res: Response, status: number, code: string, message: string): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** body-parser's error types, by what the client did wrong. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' },
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than this service accepts',
  },
  'charset.unsupported': {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'The request body charset is not supported',
  },
  'encoding.unsupported': {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'The request body encoding is not supported',
  },
  'request.size.invalid': {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'The request body is shorter than announced',
  },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: 'The request was aborted' },
};

/** Any path nothing else serves: JSON, not Express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return (_req, res) => sendHttpError(res, 404, 'NOT_FOUND', 'Not found');
}

/**
 * The last Express error handler: every error that reaches it (a body that is not JSON or too large, a
 * middleware that threw) answers JSON with `extensions.code`, never Express's HTML page or a stack trace.
 * Client mistakes keep their 4xx status; anything else is a logged INTERNAL_SERVER_ERROR.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
    if (known) {
      sendHttpError(res, known.status, known.code, known.message);
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendHttpError(res, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', 'Bad request');
      return;
    }
    logger.error(
      { err: error, requestId: res.locals.requestId as unknown },
      'unexpected error in HTTP handling',
    );
    sendHttpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
