import type { Logger } from '@casino/logger';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { compressionMiddleware } from './compression';
import { corsMiddleware } from './cors';
import type { CorsSettings } from './cors';
import type { GatewayEnv } from './env';
import { GatewayRateLimits } from './rate-limit';

export function gatewayRateLimits(env: GatewayEnv, redis: Redis | null): GatewayRateLimits {
  return new GatewayRateLimits(
    {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      perUser: env.RATE_LIMIT_PER_USER,
      perIp: env.RATE_LIMIT_PER_IP,
    },
    redis,
  );
}

/** Development also allows loopback origins (a dashboard's dev server); test and production CORS_ORIGINS only. */
export const corsSettingsOf = (env: GatewayEnv): CorsSettings => ({
  origins: env.CORS_ORIGINS,
  allowLoopback: env.NODE_ENV === 'development',
  maxAgeSeconds: env.CORS_MAX_AGE_SECONDS,
});

/**
 * What the gateway does on its GraphQL paths before reading a request: CORS first (a refusal further on must
 * still be readable by an allowed page, and preflights are answered without counting), then compression of
 * what follows, then the per-address budget. The front door (front-door.ts) does the same for the POSTs it serves.
 */
export function edgeMiddleware(env: GatewayEnv, limits: GatewayRateLimits, log: Logger): RequestHandler[] {
  return [
    ...corsMiddleware(corsSettingsOf(env)),
    compressionMiddleware(env.COMPRESSION_THRESHOLD_BYTES),
    limits.byAddress(log),
  ];
}
