import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { retryDelayMs } from '@casino/mongo';

/**
 * What failed sign-ins are counted against:
 * - `pair`: one username from one client address. Its lock stops a guesser at that address without
 *   touching the same username anywhere else, so guessing cannot lock an admin out of their own account.
 * - `username`: one username from every address. Past a threshold it slows down the addresses that have
 *   already failed for it (a guesser spreading over many addresses), never one that has not.
 * - `address`: one client address over every username (one source trying many accounts).
 */
export type LoginLimitScope = 'pair' | 'username' | 'address';

/**
 * One counter of failed sign-ins, whether the username exists or not (so no answer says which usernames are
 * real). Written only with single-document atomic updates: no transactions needed.
 */
export interface LoginThrottleDocument {
  scope: LoginLimitScope;
  /** The normalised username tried; null on an address counter */
  username: string | null;
  /** The client address (`unknown` when the request carried none); null on a username counter */
  address: string | null;
  failures: number;
  window_started_at: Date;
  /** pair and address: refused until then, whatever the password */
  locked_until: Date | null;
  /** username: when an address that already failed for it may try again */
  next_attempt_at: Date | null;
  /** When the entry is of no more use and may be removed (TTL index) */
  expires_at: Date;
}

export interface LoginThrottlePolicy {
  pair: { maxFailures: number; windowMs: number; lockMs: number };
  username: { slowdownAfter: number; windowMs: number; baseDelayMs: number; maxDelayMs: number };
  address: { maxFailures: number; windowMs: number };
}

/**
 * A new collection rather than the former per-username `login_throttle`, whose unique username index does
 * not fit address counters; entries left there run out through its own TTL index.
 */
export const LOGIN_THROTTLE = 'login_limits';

export const loginThrottleIndexes: IndexDescription[] = [
  {
    key: { scope: 1, username: 1, address: 1 },
    name: 'scope_1_username_1_address_1',
    unique: true,
  },
  { key: { username: 1 }, name: 'username_1' },
  { key: { expires_at: 1 }, name: 'expires_at_1', expireAfterSeconds: 0 },
];

/** Requests that carry no client address share one bucket. */
export const UNKNOWN_ADDRESS = 'unknown';

type CounterId = Pick<LoginThrottleDocument, 'scope' | 'username' | 'address'>;

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
const later = (a: Date | null, b: Date | null) => (a && (!b || a > b) ? a : b);

export class LoginThrottleStore {
  private readonly collection: Collection<LoginThrottleDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LoginThrottleDocument>(LOGIN_THROTTLE);
  }

  /**
   * When a sign-in attempt for the username from the address may go ahead: null for now, otherwise the
   * moment it may. Decided from the counters alone, before any password is looked at.
   */
  async refusedUntil(
    username: string,
    address: string | null,
    now: Date,
    policy: LoginThrottlePolicy,
  ): Promise<Date | null> {
    const ids = counterIds(username, address);
    const entries = await this.collection
      .find({ $or: ids.map((id) => ({ ...id })) }, { projection: { _id: 0 } })
      .toArray();
    const of = (scope: LoginLimitScope) => entries.find((entry) => entry.scope === scope);
    const pair = of('pair');
    const user = of('username');
    let until: Date | null = null;
    for (const entry of [pair, of('address')]) {
      if (entry?.locked_until && entry.locked_until > now) until = later(entry.locked_until, until);
    }
    const pairFailedLately =
      pair !== undefined &&
      pair.failures > 0 &&
      pair.window_started_at.getTime() + policy.pair.windowMs > now.getTime();
    if (pairFailedLately && user?.next_attempt_at && user.next_attempt_at > now) {
      until = later(user.next_attempt_at, until);
    }
    return until;
  }

  /** Counts one failed attempt against the pair, the username and the address. */
  async recordFailure(
    username: string,
    address: string | null,
    now: Date,
    policy: LoginThrottlePolicy,
  ): Promise<void> {
    const [pairId, usernameId, addressId] = counterIds(username, address);
    await Promise.all([
      this.count(pairId, now, policy.pair.windowMs, policy.pair.windowMs + policy.pair.lockMs).then(
        async (entry) => {
          if (entry.failures < policy.pair.maxFailures) return;
          await this.lock(pairId, new Date(now.getTime() + policy.pair.lockMs));
        },
      ),
      this.count(addressId, now, policy.address.windowMs, policy.address.windowMs).then(async (entry) => {
        if (entry.failures < policy.address.maxFailures) return;
        // refused for the rest of its window
        await this.lock(addressId, new Date(entry.window_started_at.getTime() + policy.address.windowMs));
      }),
      this.count(
        usernameId,
        now,
        policy.username.windowMs,
        policy.username.windowMs + policy.username.maxDelayMs,
      ).then(async (entry) => {
        const { slowdownAfter, baseDelayMs, maxDelayMs } = policy.username;
        if (entry.failures < slowdownAfter) return;
        const delay = retryDelayMs(entry.failures - slowdownAfter + 1, baseDelayMs, maxDelayMs);
        await this.collection.updateOne(usernameId, {
          $max: { next_attempt_at: new Date(now.getTime() + delay) },
        });
      }),
    ]);
  }

  /** Forgets the failures of the username from this address, after a successful sign-in. */
  async forgetPair(username: string, address: string | null): Promise<void> {
    await this.collection.deleteOne(counterIds(username, address)[0]);
  }

  /**
   * Forgets every failure counted against the username (from any address), once its password has been set
   * anew: guesses of the old one no longer matter. Address counters stay.
   */
  async forgetUsername(username: string): Promise<void> {
    await this.collection.deleteMany({ username });
  }

  /** Adds one failure, first starting a new window when the last one ended or a lock ran out. */
  private async count(
    id: CounterId,
    now: Date,
    windowMs: number,
    keepMs: number,
    attempt = 1,
  ): Promise<LoginThrottleDocument> {
    await this.collection.updateOne(
      {
        ...id,
        $or: [
          { locked_until: { $lte: now } },
          { locked_until: null, window_started_at: { $lte: new Date(now.getTime() - windowMs) } },
        ],
      },
      { $set: { failures: 0, window_started_at: now, locked_until: null, next_attempt_at: null } },
    );
    try {
      const entry = await this.collection.findOneAndUpdate(
        id as Filter<LoginThrottleDocument>,
        {
          $inc: { failures: 1 },
          $set: { expires_at: new Date(now.getTime() + keepMs) },
          $setOnInsert: { window_started_at: now, locked_until: null, next_attempt_at: null },
        },
        { upsert: true, returnDocument: 'after', projection: { _id: 0 } },
      );
      return entry!;
    } catch (error) {
      // two first failures raced to insert the counter: the loser now finds it and counts
      if (isDuplicateKey(error) && attempt < 3) return this.count(id, now, windowMs, keepMs, attempt + 1);
      throw error;
    }
  }

  /** Sets the lock once per window: concurrent failures past the limit do not extend it. */
  private async lock(id: CounterId, until: Date): Promise<void> {
    await this.collection.updateOne({ ...id, locked_until: null }, { $set: { locked_until: until } });
  }
}

function counterIds(username: string, address: string | null): [CounterId, CounterId, CounterId] {
  const from = address ?? UNKNOWN_ADDRESS;
  return [
    { scope: 'pair', username, address: from },
    { scope: 'username', username, address: null },
    { scope: 'address', username: null, address: from },
  ];
}
