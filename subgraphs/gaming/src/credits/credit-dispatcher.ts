import type { Collection, Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { DEFAULT_OUTBOX_MAX_ATTEMPTS, deliveryFailureOf } from '@casino/mongo';
import type { DeadLetterPage, DeadLetterSource } from '@casino/mongo';
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
};

export const POINT_CREDIT_KIND = 'point-credit';

export interface DispatchSummary {
  delivered: number;
  failed: number;
  /** Credits set aside as dead in this pass */
  dead: number;
}

/** Wait before the next attempt after `attempts` failures: base x 2^(attempts-1), capped. */
export function creditRetryDelayMs(attempts: number, settings: CreditDispatchSettings): number {
  return Math.min(settings.creditRetryBaseMs * 2 ** Math.max(attempts - 1, 0), settings.creditRetryMaxMs);
}

/**
 * Delivers every due pending credit once (one loyalty call per session) and returns what happened. A
 * failure keeps the credit pending with one more attempt and a later `next_attempt_at`; after `maxAttempts`
 * failures it is set aside as dead (kept, no longer retried) so it never holds up the others. Each session is
 * read and delivered on its own, so one that cannot even be read fails alone. Loyalty's idempotency keys make
 * a repeat after a lost answer harmless.
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
  const due = await sessions
    .find(
      { 'credit.status': 'pending', 'credit.next_attempt_at': { $lte: now() } },
      { projection: { _id: 0, id: 1, game_type_id: 1, 'credit.attempts': 1 } },
    )
    .sort({ 'credit.next_attempt_at': 1 })
    .limit(settings.creditBatchSize)
    .toArray();
  if (due.length === 0) return summary;
  const gameTypes = await db
    .collection<GameTypeDocument>(GAME_TYPES)
    .find(
      { id: { $in: [...new Set(due.map((s) => s.game_type_id))] } },
      { projection: { _id: 0, id: 1, points_rate: 1 } },
    )
    .toArray();
  const pointsRates = new Map(gameTypes.map((g) => [g.id, g.points_rate]));
  for (const row of due) {
    const pointsRate = pointsRates.get(row.game_type_id);
    try {
      if (pointsRate === undefined) throw new Error(`game type ${row.game_type_id} is missing`);
      const session = await sessions.findOne(
        { id: row.id, 'credit.status': 'pending' },
        { projection: { _id: 0 } },
      );
      if (!session) continue;
      // the numbers loyalty checks against gamingSessionForCredit, computed the same way; a refusal (the rate
      // changed meanwhile, loyalty unable to reach gaming) keeps the credit pending for the next attempt
      const terms = sessionCreditTerms(session, { points_rate: pointsRate });
      const result = await loyalty.request<CreditResult>(CREDIT_GAMING_SESSION, {
        input: {
          memberId: terms.memberId,
          sessionId: terms.id,
          theo: terms.theo.toString(),
          pointsRate,
          endedAt: (terms.endedAt ?? now()).toISOString(),
        },
      });
      await sessions.updateOne(
        { id: session.id, 'credit.status': 'pending' },
        {
          $set: {
            'credit.status': 'delivered',
            'credit.next_attempt_at': null,
            'credit.delivered_at': now(),
            'credit.last_error': null,
            points_earned: result.creditGamingSession.points,
            tier_credits: result.creditGamingSession.tierCredits,
          },
        },
      );
      summary.delivered += 1;
    } catch (error) {
      const attempts = (row.credit?.attempts ?? 0) + 1;
      const lastError = deliveryFailureOf(error);
      if (attempts >= maxAttempts) {
        log?.error(
          { sessionId: row.id, attempts, code: lastError.code },
          'gaming session credit set aside as dead after repeated failures',
        );
        await sessions.updateOne(
          { id: row.id, 'credit.status': 'pending' },
          {
            $set: {
              'credit.status': 'dead',
              'credit.attempts': attempts,
              'credit.next_attempt_at': null,
              'credit.last_error': lastError,
              'credit.dead_at': now(),
            },
          },
        );
        summary.dead += 1;
        continue;
      }
      const delay = creditRetryDelayMs(attempts, settings);
      log?.warn(
        { sessionId: row.id, attempts, retryInMs: delay, code: lastError.code },
        'gaming session credit failed',
      );
      await sessions.updateOne(
        { id: row.id, 'credit.status': 'pending' },
        {
          $set: {
            'credit.attempts': attempts,
            'credit.next_attempt_at': new Date(now().getTime() + delay),
            'credit.last_error': lastError,
          },
        },
      );
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

/** Runs `dispatchPendingCredits` on an interval beside the server; one pass at a time. */
export class CreditDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly loyalty: ServiceClient,
    private readonly log: Logger,
    private readonly settings: GamingSettings &
      Pick<CreditDispatchSettings, 'maxAttempts'> = DEFAULT_GAMING_SETTINGS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.settings.creditDispatchIntervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = dispatchPendingCredits(this.db, this.loyalty, this.settings, this.log)
      .catch((error: unknown) => this.log.warn({ err: error }, 'gaming credit outbox could not be read'))
      .finally(() => {
        this.running = null;
      });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
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
