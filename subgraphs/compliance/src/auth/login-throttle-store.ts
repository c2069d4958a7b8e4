import type { Collection, Db, IndexDescription } from 'mongodb';

/**
 * Failed sign-ins per username, whether the account exists or not (so a lock says nothing about which
 * usernames are real). Written only with single-document atomic updates: no transactions needed.
 */
export interface LoginThrottleDocument {
  /** The normalised username that was tried */
  username: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
  /** When the entry is of no more use and may be removed */
  expires_at: Date;
}

export interface LoginThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const LOGIN_THROTTLE = 'login_throttle';

export const loginThrottleIndexes: IndexDescription[] = [
  { key: { username: 1 }, name: 'username_1', unique: true },
  { key: { expires_at: 1 }, name: 'expires_at_1', expireAfterSeconds: 0 },
];

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

export class LoginThrottleStore {
  readonly collection: Collection<LoginThrottleDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LoginThrottleDocument>(LOGIN_THROTTLE);
  }

  /** Whether the username is locked at this moment. */
  async isLocked(username: string, now: Date): Promise<boolean> {
    const entry = await this.collection.findOne(
      { username, locked_until: { $gt: now } },
      { projection: { _id: 0, username: 1 } },
    );
    return entry !== null;
  }

  /** Counts one failure and locks the username when it reaches the limit; returns the entry afterwards. */
  async recordFailure(
    username: string,
    now: Date,
    policy: LoginThrottlePolicy,
  ): Promise<LoginThrottleDocument> {
    // a new window starts after a lock ran out, or when the last window ended without one
    await this.collection.updateOne(
      {
        username,
        $or: [
          { locked_until: { $lte: now } },
          { locked_until: null, window_started_at: { $lte: new Date(now.getTime() - policy.windowMs) } },
        ],
      },
      { $set: { failures: 0, window_started_at: now, locked_until: null } },
    );
    const counted = await this.increment(username, now, policy);
    if (counted.failures < policy.maxFailures || counted.locked_until !== null) return counted;
    const locked = await this.collection.findOneAndUpdate(
      { username, locked_until: null, failures: { $gte: policy.maxFailures } },
      { $set: { locked_until: new Date(now.getTime() + policy.lockMs) } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    return locked ?? counted;
  }

  private async increment(
    username: string,
    now: Date,
    policy: LoginThrottlePolicy,
    attempt = 1,
  ): Promise<LoginThrottleDocument> {
    try {
      const entry = await this.collection.findOneAndUpdate(
        { username },
        {
          $inc: { failures: 1 },
          $set: { expires_at: new Date(now.getTime() + policy.windowMs + policy.lockMs) },
          $setOnInsert: { window_started_at: now, locked_until: null },
        },
        { upsert: true, returnDocument: 'after', projection: { _id: 0 } },
      );
      return entry!;
    } catch (error) {
      // two first failures for one username raced to insert it: the loser now finds the entry and counts
      if (isDuplicateKey(error) && attempt < 3) return this.increment(username, now, policy, attempt + 1);
      throw error;
    }
  }

  /** Forgets the failures of a username, after a successful sign-in or a password reset. */
  async reset(username: string): Promise<void> {
    await this.collection.deleteOne({ username });
  }
}
