import cors from 'cors';
import type { RequestHandler } from 'express';

/** What a browser on an allowed origin may send; everything else it must not. */
export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'];
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'apollo-require-preflight',
];
/** Response headers a dashboard script may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after'];

export interface CorsSettings {
  /** Exact origins (`https://ops.example.com`) allowed to call the gateway from a browser. */
  origins: readonly string[];
  /** Also allow `http://localhost:<port>` and `http://127.0.0.1:<port>` (a dashboard's dev server). */
  allowLoopback: boolean;
  maxAgeSeconds: number;
}

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Whether a browser page served from `origin` may read the gateway's responses. */
export function isAllowedOrigin(settings: CorsSettings, origin: string): boolean {
  return settings.origins.includes(origin) || (settings.allowLoopback && LOOPBACK_ORIGIN.test(origin));
}

/**
 * Cross-origin access for browser dashboards on an allow-list. An allowed origin gets its own origin echoed
 * (never `*`) and its preflights answered 204; any other origin gets no Access-Control-* header at all, so the
 * browser refuses to hand the response to its script. Credentials (cookies) are not allowed: access tokens
 * travel in the Authorization header, which an allowed origin may send anyway.
 */
export function corsMiddleware(settings: CorsSettings): RequestHandler[] {
  const allowed = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(settings, origin)),
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: settings.maxAgeSeconds,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  });
  return [
    (_req, res, next) => {
      // the answer depends on the Origin header even when it carries no CORS header: caches must key on it
      res.vary('Origin');
      next();
    },
    allowed,
    // an OPTIONS that cors did not answer (no or a foreign origin) is not a GraphQL request either
    (req, res, next) => {
      if (req.method !== 'OPTIONS') return next();
      res.setHeader('allow', CORS_METHODS.join(', '));
      res.status(204).end();
    },
  ];
}
