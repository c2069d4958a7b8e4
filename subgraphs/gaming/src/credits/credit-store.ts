import type { Collection, Db, Filter } from 'mongodb';
import type { DeliveryFailure } from '@casino/mongo';
import { RowClaims } from '@casino/scheduler';
import { GAMING_SESSIONS } from '../sessions/session-store';
import type { GamingSessionDocument } from '../sessions/session-store';

/** A due credit one dispatch pass holds: the session it belongs to and the claim it holds it by. */
export interface ClaimedCredit {
  token: string;
  sessionId: string;
  gameTypeId: string;
  /** Failed deliveries so far */
  attempts: number;
}

/** A dead credit as the dead-letter query lists it. */
export type DeadCreditRow = Pick<GamingSessionDocument, 'id' | 'credit'>;

/**
 * One delivery pass over the point credits: each credit is claimed (`credit.claimed_by`/`claimed_until`,
 * the scheduler's row claims) before its delivery, and every later read or write of it holds only while the
 * claim does, so replicas sharing the database never deliver the same credit at once.
 */
export class CreditPass {
  private readonly claims: RowClaims<GamingSessionDocument>;

  constructor(
    private readonly collection: Collection<GamingSessionDocument>,
    options: { leaseMs: number; now: () => Date },
  ) {
    this.claims = new RowClaims(collection, {
      leaseMs: options.leaseMs,
      prefix: 'credit.',
      now: options.now,
    });
  }

  /** Claims the pending credit due soonest (due by `now`), leaving out the sessions in `skip`. */
  async claimNextDue(now: Date, skip: readonly string[]): Promise<ClaimedCredit | null> {
    const claim = await this.claims.claimOne(
      { 'credit.status': 'pending', 'credit.next_attempt_at': { $lte: now }, id: { $nin: [...skip] } },
      { 'credit.next_attempt_at': 1 },
      { projection: { _id: 0, id: 1, game_type_id: 1, 'credit.attempts': 1 } },
    );
    if (!claim) return null;
    const row = claim.rows[0]!;
    return {
      token: claim.token,
      sessionId: row.id,
      gameTypeId: row.game_type_id,
      attempts: row.credit?.attempts ?? 0,
    };
  }

  /** The claimed credit's session; null once the claim no longer holds it. */
  session(credit: ClaimedCredit): Promise<GamingSessionDocument | null> {
    return this.collection.findOne(this.held(credit), { projection: { _id: 0 } });
  }

  /** Marks the credit delivered with what loyalty granted, and gives it back. */
  async delivered(
    credit: ClaimedCredit,
    granted: { points: number; tierCredits: number; at: Date },
  ): Promise<void> {
    await this.finish(credit, {
      'credit.status': 'delivered',
      'credit.next_attempt_at': null,
      'credit.delivered_at': granted.at,
      'credit.last_error': null,
      points_earned: granted.points,
      tier_credits: granted.tierCredits,
    });
  }

  /** Sets the credit aside as dead (kept, no longer retried). */
  async dead(credit: ClaimedCredit, failure: { attempts: number; lastError: DeliveryFailure; at: Date }) {
    await this.finish(credit, {
      'credit.status': 'dead',
      'credit.attempts': failure.attempts,
      'credit.next_attempt_at': null,
      'credit.last_error': failure.lastError,
      'credit.dead_at': failure.at,
    });
  }

  /** Keeps the credit pending for another attempt at `nextAttemptAt`. */
  async retryLater(
    credit: ClaimedCredit,
    failure: { attempts: number; lastError: DeliveryFailure; nextAttemptAt: Date },
  ): Promise<void> {
    await this.finish(credit, {
      'credit.attempts': failure.attempts,
      'credit.next_attempt_at': failure.nextAttemptAt,
      'credit.last_error': failure.lastError,
    });
  }

  private held(credit: ClaimedCredit): Filter<GamingSessionDocument> {
    return { id: credit.sessionId, 'credit.status': 'pending', ...this.claims.held(credit.token) };
  }

  private async finish(credit: ClaimedCredit, fields: Record<string, unknown>): Promise<void> {
    await this.collection.updateOne(this.held(credit), { $set: { ...this.claims.released(), ...fields } });
  }
}

/** The point-credit outbox: the `credit` field of each ended gaming session. */
export class CreditStore {
  private readonly collection: Collection<GamingSessionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<GamingSessionDocument>(GAMING_SESSIONS);
  }

  /** A delivery pass whose claims last `leaseMs` from the time `now` gives. */
  startPass(options: { leaseMs: number; now: () => Date }): CreditPass {
    return new CreditPass(this.collection, options);
  }

  /** Credits set aside as dead, most recent first, with their count. */
  async deadPage(limit: number): Promise<{ count: number; rows: DeadCreditRow[] }> {
    const filter = { 'credit.status': 'dead' as const };
    const [count, rows] = await Promise.all([
      this.collection.countDocuments(filter),
      this.collection
        .find(filter, { projection: { _id: 0, id: 1, credit: 1 } })
        .sort({ 'credit.dead_at': -1 })
        .limit(limit)
        .toArray(),
    ]);
    return { count, rows };
  }

  /** Queues a dead credit again with a fresh count of attempts; false when the session has no dead credit. */
  async requeueDead(sessionId: string, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
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

  /** Credits waiting for delivery (dead ones excluded). */
  countPending(): Promise<number> {
    return this.collection.countDocuments({ 'credit.status': 'pending' });
  }

  /** The end of the session whose credit has waited longest (null when none waits). */
  async oldestPendingSessionEnd(): Promise<Date | null> {
    const oldest = await this.collection.findOne(
      { 'credit.status': 'pending' },
      { sort: { session_end: 1 }, projection: { _id: 0, session_end: 1 } },
    );
    return oldest?.session_end ?? null;
  }
}
