import type { Collection, Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { GAME_TYPES } from '../game-types/game-type-store';
import type { GameTypeDocument } from '../game-types/game-type-store';
import { GAMING_SESSIONS } from '../sessions/session-store';
import type { GamingSessionDocument } from '../sessions/session-store';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import type { GamingSettings } from '../settings';

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
>;

export interface DispatchSummary {
  delivered: number;
  failed: number;
}

/** Wait before the next attempt after `attempts` failures: base x 2^(attempts-1), capped. */
export function creditRetryDelayMs(attempts: number, settings: CreditDispatchSettings): number {
  return Math.min(settings.creditRetryBaseMs * 2 ** Math.max(attempts - 1, 0), settings.creditRetryMaxMs);
}

/**
 * Delivers every due pending credit once (one loyalty call per session) and returns what happened. A
 * failure keeps the credit pending with one more attempt and a later `next_attempt_at`; nothing is dropped.
 * Loyalty's idempotency keys make a repeat after a lost answer harmless.
 */
export async function dispatchPendingCredits(
  db: Db,
  loyalty: ServiceClient,
  settings: CreditDispatchSettings = DEFAULT_GAMING_SETTINGS,
  log?: Logger,
  now: () => Date = () => new Date(),
): Promise<DispatchSummary> {
  const sessions: Collection<GamingSessionDocument> = db.collection(GAMING_SESSIONS);
  const summary: DispatchSummary = { delivered: 0, failed: 0 };
  const due = await sessions
    .find(
      { 'credit.status': 'pending', 'credit.next_attempt_at': { $lte: now() } },
      { projection: { _id: 0 } },
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
  for (const session of due) {
    const pointsRate = pointsRates.get(session.game_type_id);
    try {
      if (pointsRate === undefined) throw new Error(`game type ${session.game_type_id} is missing`);
      const result = await loyalty.request<CreditResult>(CREDIT_GAMING_SESSION, {
        input: {
          memberId: session.member_id,
          sessionId: session.id,
          theo: session.theo?.toString() ?? '0.00',
          pointsRate,
          endedAt: (session.session_end ?? now()).toISOString(),
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
      const attempts = (session.credit?.attempts ?? 0) + 1;
      const delay = creditRetryDelayMs(attempts, settings);
      log?.warn(
        { err: error, sessionId: session.id, attempts, retryInMs: delay },
        'gaming session credit failed',
      );
      await sessions.updateOne(
        { id: session.id, 'credit.status': 'pending' },
        {
          $inc: { 'credit.attempts': 1 },
          $set: {
            'credit.next_attempt_at': new Date(now().getTime() + delay),
            'credit.last_error': (error as Error).message.slice(0, 500),
          },
        },
      );
      summary.failed += 1;
    }
  }
  return summary;
}

/** Runs `dispatchPendingCredits` on an interval beside the server; one pass at a time. */
export class CreditDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly loyalty: ServiceClient,
    private readonly log: Logger,
    private readonly settings: GamingSettings = DEFAULT_GAMING_SETTINGS,
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
}
