import type { Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import { CreditGamingSessionDocument } from '@casino/loyalty/operations';
import type { Logger } from '@casino/logger';
import { DEFAULT_OUTBOX_MAX_ATTEMPTS, deliveryFailureOf, retryDelayMs } from '@casino/mongo';
import type { DeadLetterPage, DeadLetterSource } from '@casino/mongo';
import { DEFAULT_SCHEDULER_LEASE_MS } from '@casino/scheduler';
import type { ScheduledJob } from '@casino/scheduler';
import { withSpan } from '@casino/telemetry';
import { GameTypeStore } from '../game-types/game-type-store';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import type { GamingSettings } from '../settings';
import { CreditStore } from './credit-store';
import { sessionCreditTerms } from './session-credit-terms';

export type CreditDispatchSettings = Pick<
  GamingSettings,
  'creditBatchSize' | 'creditRetryBaseMs' | 'creditRetryMaxMs'
> & {
  /** Failed deliveries after which a credit is set aside as dead (OUTBOX_MAX_ATTEMPTS) */
  maxAttempts?: number;
  /** Random share of a retry's wait (OUTBOX_RETRY_JITTER); none when absent */
  retryJitter?: number;
  /** How long a claimed credit stays this replica's (SCHEDULER_LEASE_MS) */
  claimMs?: number;
  /** Draws the jitter (tests pin it) */
  random?: () => number;
};

export const POINT_CREDIT_KIND = 'point-credit';

export interface DispatchSummary {
  delivered: number;
  failed: number;
  /** Credits set aside as dead in this pass */
  dead: number;
}

/**
 * Delivers every due pending credit once (one loyalty call per session, up to `creditBatchSize`) and returns
 * what happened. Each credit is claimed (`credit.claimed_by`/`claimed_until`) just before its delivery, so
 * replicas sharing the database never deliver the same credit at once. A failure keeps the credit pending
 * with one more attempt and a later `next_attempt_at` (capped exponential backoff, jittered); after
 * `maxAttempts` failures it is set aside as dead (kept, no longer retried) so it never holds up the others.
 * Each session is read and delivered on its own, so one that cannot even be read fails alone. Loyalty's
 * idempotency keys make a repeat after a lost answer harmless.
 */
export async function deliverPendingCredits(
  stores: { credits: CreditStore; gameTypes: GameTypeStore },
  loyalty: ServiceClient,
  settings: CreditDispatchSettings = DEFAULT_GAMING_SETTINGS,
  log?: Logger,
  now: () => Date = () => new Date(),
): Promise<DispatchSummary> {
  const summary: DispatchSummary = { delivered: 0, failed: 0, dead: 0 };
  const maxAttempts = settings.maxAttempts ?? DEFAULT_OUTBOX_MAX_ATTEMPTS;
  const pass = stores.credits.startPass({ leaseMs: settings.claimMs ?? DEFAULT_SCHEDULER_LEASE_MS, now });
  const pointsRates = new Map<string, number | undefined>();
  // a credit retried without delay is due again at once: each one is tried at most once per pass
  const seen: string[] = [];
  while (seen.length < settings.creditBatchSize) {
    const credit = await pass.claimNextDue(now(), seen);
    if (!credit) break;
    seen.push(credit.sessionId);
    try {
      if (!pointsRates.has(credit.gameTypeId)) {
        pointsRates.set(credit.gameTypeId, await stores.gameTypes.pointsRateOf(credit.gameTypeId));
      }
      const pointsRate = pointsRates.get(credit.gameTypeId);
      if (pointsRate === undefined) throw new Error(`game type ${credit.gameTypeId} is missing`);
      const session = await pass.session(credit);
      if (!session) continue;
      // the numbers loyalty checks against gamingSessionForCredit, computed the same way; a refusal (the rate
      // changed meanwhile, loyalty unable to reach gaming) keeps the credit pending for the next attempt
      const terms = sessionCreditTerms(session, { points_rate: pointsRate });
      const attempt = { 'outbox.attempt': credit.attempts + 1 };
      const result = await withSpan('deliver gaming credit', attempt, () =>
        // loyalty's creditGamingSession: idempotent per session, so a repeated delivery credits once
        loyalty.request(CreditGamingSessionDocument, {
          input: {
            memberId: terms.memberId,
            sessionId: terms.id,
            theo: terms.theo.toString(),
            pointsRate,
            endedAt: (terms.endedAt ?? now()).toISOString(),
          },
        }),
      );
      await pass.delivered(credit, {
        points: result.creditGamingSession.points,
        tierCredits: result.creditGamingSession.tierCredits,
        at: now(),
      });
      summary.delivered += 1;
    } catch (error) {
      const attempts = credit.attempts + 1;
      const lastError = deliveryFailureOf(error);
      if (attempts >= maxAttempts) {
        log?.error(
          { sessionId: credit.sessionId, attempts, code: lastError.code },
          'gaming session credit set aside as dead after repeated failures',
        );
        await pass.dead(credit, { attempts, lastError, at: now() });
        summary.dead += 1;
        continue;
      }
      const delay = retryDelayMs(
        attempts,
        settings.creditRetryBaseMs,
        settings.creditRetryMaxMs,
        settings.retryJitter,
        settings.random,
      );
      log?.warn(
        { sessionId: credit.sessionId, attempts, retryInMs: delay, code: lastError.code },
        'gaming session credit failed',
      );
      await pass.retryLater(credit, {
        attempts,
        lastError,
        nextAttemptAt: new Date(now().getTime() + delay),
      });
      summary.failed += 1;
    }
  }
  return summary;
}

/** `deliverPendingCredits` over the stores of the gaming database `db` (tests and scripts). */
export function dispatchPendingCredits(
  db: Db,
  loyalty: ServiceClient,
  settings: CreditDispatchSettings = DEFAULT_GAMING_SETTINGS,
  log?: Logger,
  now: () => Date = () => new Date(),
): Promise<DispatchSummary> {
  return deliverPendingCredits(
    { credits: new CreditStore(db), gameTypes: new GameTypeStore(db) },
    loyalty,
    settings,
    log,
    now,
  );
}

/** Credits set aside as dead, most recent first (ids, attempts and why; nothing about the member). */
export async function deadCredits(credits: CreditStore, limit: number): Promise<DeadLetterPage> {
  const { count, rows } = await credits.deadPage(limit);
  return {
    count,
    items: rows.map((doc) => ({
      id: doc.id,
      kind: POINT_CREDIT_KIND,
      attempts: doc.credit?.attempts ?? 0,
      lastError: typeof doc.credit?.last_error === 'object' ? (doc.credit.last_error ?? null) : null,
      deadSince: doc.credit?.dead_at ?? new Date(0),
    })),
  };
}

/** Queues a dead credit again with a fresh count of attempts; false when the session has no dead credit. */
export function retryDeadCredit(credits: CreditStore, sessionId: string, now = new Date()): Promise<boolean> {
  return credits.requeueDead(sessionId, now);
}

/** The point-credit outbox's job in `scheduler_jobs` */
export const CREDIT_OUTBOX_JOB = 'gaming-credit-outbox';

/** The point-credit outbox: its delivery pass for the subgraph's scheduler, and its backlog for metrics. */
export class CreditOutbox {
  constructor(
    private readonly stores: { credits: CreditStore; gameTypes: GameTypeStore },
    private readonly loyalty: ServiceClient,
    private readonly log: Logger,
    private readonly settings: GamingSettings &
      Omit<CreditDispatchSettings, keyof GamingSettings> = DEFAULT_GAMING_SETTINGS,
  ) {}

  /** `deliverPendingCredits` every `creditDispatchIntervalMs`. */
  job(): ScheduledJob {
    return {
      name: CREDIT_OUTBOX_JOB,
      schedule: { everyMs: this.settings.creditDispatchIntervalMs },
      run: () => deliverPendingCredits(this.stores, this.loyalty, this.settings, this.log),
    };
  }

  /** Credits waiting for delivery (dead ones excluded). */
  pending(): Promise<number> {
    return this.stores.credits.countPending();
  }

  /** When the oldest credit still waiting was queued: the end of its session (null when none waits). */
  oldestPendingAt(): Promise<Date | null> {
    return this.stores.credits.oldestPendingSessionEnd();
  }
}

/** The point-credit outbox's dead credits, for gaming's dead-letter query. */
export function creditDeadLetterSource(credits: CreditStore): DeadLetterSource {
  return { page: (limit) => deadCredits(credits, limit), retry: (id) => retryDeadCredit(credits, id) };
}
