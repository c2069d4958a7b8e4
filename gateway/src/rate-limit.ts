import { HeaderMap } from '@apollo/server';
import type { Identity } from '@casino/auth';
import { rateLimited } from '@casino/errors';
import type { Logger } from '@casino/logger';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  windowSeconds: number;
  /** Requests one signed-in admin may make per window, from any address and through any replica. */
  perUser: number;
  /** Requests one client address may make per window, signed in or not. */
  perIp: number;
}

/**
 * Request budgets per signed-in user and per client address (`req.ip`, so X-Forwarded-For only from the proxies
 * TRUST_PROXY names), counted in fixed windows. With Redis the counters are shared by every gateway replica;
 * should Redis fail, each replica keeps counting in its own memory until it is back, rather than refusing or
 * waving everyone through. A refusal is the RATE_LIMITED error every service uses, answered with HTTP 429 and
 * Retry-After.
 */
export class GatewayRateLimits {
  private readonly perUser: Budget;
  private readonly perIp: Budget;
  private redisConnectedOnce = false;

  constructor(
    settings: RateLimitSettings,
    private readonly redis: Redis | null,
  ) {
    redis?.once('ready', () => {
      this.redisConnectedOnce = true;
    });
    const budget = (name: string, points: number): Budget => {
      const options = { keyPrefix: `casino:rate-limit:${name}`, points, duration: settings.windowSeconds };
      const memory = new RateLimiterMemory(options);
      // a command that fails (Redis lost mid-request) is counted in memory instead
      const shared = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
        : null;
      return { shared, memory };
    };
    this.perUser = budget('user', settings.perUser);
    this.perIp = budget('ip', settings.perIp);
  }

  /**
   * Redis while it is connected, and while the first connection is made (the commands wait for it, so replicas
   * that just started count together); during an outage, memory at once rather than a wait on every request.
   */
  private limiterOf(budget: Budget): RateLimiterAbstract {
    if (!budget.shared || !this.redis) return budget.memory;
    const usable = this.redis.status === 'ready' || !this.redisConnectedOnce;
    return usable ? budget.shared : budget.memory;
  }

  /** Counts the request against its address before its body is read; refuses it once the budget is spent. */
  byAddress(log: Logger): RequestHandler {
    return async (req, res, next) => {
      const refusal = await this.checkAddress(req.ip ?? 'unknown', log);
      if (!refusal) return next();
      res.status(429);
      res.setHeader('retry-after', refusal.retryAfter);
      res.json(refusal.body);
    };
  }

  /**
   * Counts a request against its client address: null while the budget lasts, else the 429 answer (its
   * Retry-After and JSON body).
   */
  async checkAddress(
    address: string,
    log: Logger,
  ): Promise<{ retryAfter: string; body: { errors: unknown[] } } | null> {
    const waitMs = await waitBeforeNext(this.limiterOf(this.perIp), address);
    if (waitMs === null) return null;
    log.warn({ ip: address }, 'rate limit reached for a client address');
    const error = rateLimited('Too many requests from this address: slow down and retry later', waitMs);
    return { retryAfter: String(error.extensions.retryAfterSeconds), body: { errors: [error.toJSON()] } };
  }

  /**
   * Counts the request against the signed-in admin once the token is verified; throws the RATE_LIMITED error
   * (HTTP 429, Retry-After) once the budget is spent. Anonymous requests are bounded by their address only.
   */
  async checkUser(identity: Identity): Promise<void> {
    if (identity.kind !== 'admin') return;
    const waitMs = await waitBeforeNext(this.limiterOf(this.perUser), identity.userId);
    if (waitMs === null) return;
    const error = rateLimited('Too many requests for this user: slow down and retry later', waitMs);
    throw new GraphQLError(error.message, {
      extensions: {
        ...error.extensions,
        http: {
          status: 429,
          headers: new HeaderMap([['retry-after', String(error.extensions.retryAfterSeconds)]]),
        },
      },
    });
  }
}

interface Budget {
  shared: RateLimiterRedis | null;
  memory: RateLimiterMemory;
}

/** Null when the request fits the budget, else how long until it would. */
async function waitBeforeNext(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) return outcome.msBeforeNext;
    throw outcome;
  }
}
