import type { Collection, Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { DEFAULT_OUTBOX_MAX_ATTEMPTS, deliveryFailureOf, retryDelayMs } from '@casino/mongo';
import type { DeadLetterPage, DeadLetterSource } from '@casino/mongo';
import { DEFAULT_SCHEDULER_LEASE_MS, RowClaims } from '@casino/scheduler';
import type { ScheduledJob } from '@casino/scheduler';
import { withSpan } from '@casino/telemetry';
import { GAME_TYPES } from '../game-types/game-type-store';
import type { GameTypeDocument } from '../game-types/game-type-store';
import { GAMING_SESSIONS } from '../sessions/session-store';
import type { GamingSessionDocument } from '../sessions/session-store';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import type { GamingSettings } from '../settings';
import { sessionCreditTerms } from './session-credit-terms';

/** Loyalty's mutation (issue 4 contract): idempotent per session, so a repeated delivery credits once. */
export const CREDIT_GAMING_SESSION = /* GraphQL */ `
  mutation CreditGamingSession($input: CreditGamingSessionInput!) {
    creditGamingSession(input: $input) {
      memberId
      sessionId
      points
      tierCredits
      duplicate
    }
  }
`;

interface CreditResult {
  creditGamingSession: {
    memberId: string;
    sessionId: string;
    points: number;
    tierCredits: number;
    duplicate: boolean;
  };
}

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
export async function dispatchPendingCredits(
  db: Db,
  loyalty: ServiceClient,
  settings: CreditDispatchSettings = DEFAULT_GAMING_SETTINGS,
  log?: Logger,
  now: () => Date = () => new Date(),
): Promise<DispatchSummary> {
  const sessions: Collection<GamingSessionDocument> = db.collection(GAMING_SESSIONS);
  const summary: DispatchSummary = { delivered: 0, failed: 0, dead: 0 };
  const maxAttempts = settings.maxAttempts ?? DEFAULT_OUTBOX_MAX_ATTEMPTS;
  const claims = new RowClaims(sessions, {
    leaseMs: settings.claimMs ?? DEFAULT_SCHEDULER_LEASE_MS,
    prefix: 'credit.',
    now,
  });
  const pointsRates = new Map<string, number | undefined>();
  // a credit retried without delay is due again at once: each one is tried at most once per pass
  const seen: string[] = [];
  while (seen.length < settings.creditBatchSize) {
    const claim = await claims.claimOne(
      { 'credit.status': 'pending', 'credit.next_attempt_at': { $lte: now() }, id: { $nin: seen } },
      { 'credit.next_attempt_at': 1 },
      { projection: { _id: 0, id: 1, game_type_id: 1, 'credit.attempts': 1 } },
    );
    if (!claim) break;
    const { token } = claim;
    const row = claim.rows[0]!;
    seen.push(row.id);
    const mine = { id: row.id, 'credit.status': 'pending' as const, ...claims.held(token) };
    try {
      if (!pointsRates.has(row.game_type_id)) {
        const gameType = await db
          .collection<GameTypeDocument>(GAME_TYPES)
          .findOne({ id: row.game_type_id }, { projection: { _id: 0, points_rate: 1 } });
        pointsRates.set(row.game_type_id, gameType?.points_rate);
      }
      const pointsRate = pointsRates.get(row.game_type_id);
      if (pointsRate === undefined) throw new Error(`game type ${row.game_type_id} is missing`);
      const session = await sessions.findOne(mine, { projection: { _id: 0 } });
      if (!session) continue;
      // the numbers loyalty checks against gamingSessionForCredit, computed the same way; a refusal (the rate
      // changed meanwhile, loyalty unable to reach gaming) keeps the credit pending for the next attempt
      const terms = sessionCreditTerms(session, { points_rate: pointsRate });
      const attempt = { 'outbox.attempt': (row.credit?.attempts ?? 0) + 1 };
      const result = await withSpan('deliver gaming credit', attempt, () =>
        loyalty.request<CreditResult>(CREDIT_GAMING_SESSION, {
          input: {
            memberId: terms.memberId,
            sessionId: terms.id,
            theo: terms.theo.toString(),
            pointsRate,
            endedAt: (terms.endedAt ?? now()).toISOString(),
          },
        }),
      );
      await sessions.updateOne(mine, {
        $set: {
          ...claims.released(),
          'credit.status': 'delivered',
          'credit.next_attempt_at': null,
          'credit.delivered_at': now(),
          'credit.last_error': null,
          points_earned: result.creditGamingSession.points,
          tier_credits: result.creditGamingSession.tierCredits,
        },
      });
      summary.delivered += 1;
    } catch (error) {
      const attempts = (row.credit?.attempts ?? 0) + 1;
      const lastError = deliveryFailureOf(error);
      if (attempts >= maxAttempts) {
        log?.error(
          { sessionId: row.id, attempts, code: lastError.code },
          'gaming session credit set aside as dead after repeated failures',
        );
        await sessions.updateOne(mine, {
          $set: {
            ...claims.released(),
            'credit.status': 'dead',
            'credit.attempts': attempts,
            'credit.next_attempt_at': null,
            'credit.last_error': lastError,
            'credit.dead_at': now(),
          },
        });
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
        { sessionId: row.id, attempts, retryInMs: delay, code: lastError.code },
        'gaming session credit failed',
      );
      await sessions.updateOne(mine, {
        $set: {
          ...claims.released(),
          'credit.attempts': attempts,
          'credit.next_attempt_at': new Date(now().getTime() + delay),
          'credit.last_error': lastError,
        },
      });
      summary.failed += 1;
    }
  }
  return summary;
}

/** Credits set aside as dead, most recent first (ids, attempts and why; nothing about the member). */
export async function deadCredits(db: Db, limit: number): Promise<DeadLetterPage> {
  const sessions: Collection<GamingSessionDocument> = db.collection(GAMING_SESSIONS);
  const filter = { 'credit.status': 'dead' as const };
  const [count, docs] = await Promise.all([
    sessions.countDocuments(filter),
    sessions
      .find(filter, { projection: { _id: 0, id: 1, credit: 1 } })
      .sort({ 'credit.dead_at': -1 })
      .limit(limit)
      .toArray(),
  ]);
  return {
    count,
    items: docs.map((doc) => ({
      id: doc.id,
      kind: POINT_CREDIT_KIND,
      attempts: doc.credit?.attempts ?? 0,
      lastError: typeof doc.credit?.last_error === 'object' ? (doc.credit.last_error ?? null) : null,
      deadSince: doc.credit?.dead_at ?? new Date(0),
    })),
  };
}

/** Queues a dead credit again with a fresh count of attempts; false when the session has no dead credit. */
export async function retryDeadCredit(db: Db, sessionId: string, now = new Date()): Promise<boolean> {
  const result = await db.collection<GamingSessionDocument>(GAMING_SESSIONS).updateOne(
    { id: sessionId, 'credit.status': 'dead' },
    {
      $set: {
        'credit.status': 'pending',
        'credit.attempts': 0,
        'credit.next_attempt_at': now,
        'credit.dead_at': null,
      },
    },
  );
  return result.modifiedCount === 1;
}

/** The point-credit outbox's job in `scheduler_jobs` */
export const CREDIT_OUTBOX_JOB = 'gaming-credit-outbox';

/** The point-credit outbox: its delivery pass for the subgraph's scheduler, and its backlog for metrics. */
export class CreditOutbox {
  constructor(
    private readonly db: Db,
    private readonly loyalty: ServiceClient,
    private readonly log: Logger,
    private readonly settings: GamingSettings &
      Omit<CreditDispatchSettings, keyof GamingSettings> = DEFAULT_GAMING_SETTINGS,
  ) {}

  /** `dispatchPendingCredits` every `creditDispatchIntervalMs`. */
  job(): ScheduledJob {
    return {
      name: CREDIT_OUTBOX_JOB,
      schedule: { everyMs: this.settings.creditDispatchIntervalMs },
      run: () => dispatchPendingCredits(this.db, this.loyalty, this.settings, this.log),
    };
  }

  /** Credits waiting for delivery (dead ones excluded). */
  pending(): Promise<number> {
    return this.sessions().countDocuments({ 'credit.status': 'pending' });
  }

  /** When the oldest credit still waiting was queued: the end of its session (null when none waits). */
  async oldestPendingAt(): Promise<Date | null> {
    const oldest = await this.sessions().findOne(
      { 'credit.status': 'pending' },
      { sort: { session_end: 1 }, projection: { _id: 0, session_end: 1 } },
    );
    return oldest?.session_end ?? null;
  }

  private sessions(): Collection<GamingSessionDocument> {
    return this.db.collection(GAMING_SESSIONS);
  }
}

/** The point-credit outbox's dead credits, for gaming's dead-letter query. */
export function creditDeadLetterSource(db: Db): DeadLetterSource {
  return { page: (limit) => deadCredits(db, limit), retry: (id) => retryDeadCredit(db, id) };
}
