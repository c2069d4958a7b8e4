import { randomUUID } from 'node:crypto';
import type { Collection, Document, Filter, FindOptions, Sort, UpdateFilter, WithId } from 'mongodb';

export interface RowClaimsOptions {
  /** How long a claimed row stays this replica's (SCHEDULER_LEASE_MS); after that another may deliver it */
  leaseMs: number;
  /** Where the claim fields live in the row: '' for the top level, or e.g. 'credit.' */
  prefix?: string;
  now?: () => Date;
}

/** Rows taken for delivery under one claim token. */
export interface Claim<T> {
  token: string;
  rows: WithId<T>[];
}

/**
 * The claim step of an outbox: before delivering, a replica marks rows with `claimed_by` (a token of its own)
 * and `claimed_until`; a row someone else holds is not due for anyone else until that claim expires. Each
 * claim is a single-document atomic update, so two replicas never hold the same row, with no transaction.
 * The update that finishes a row (delivered, failed, dead) filters on `held(token)` and sets `released()`.
 */
export class RowClaims<T extends Document> {
  private readonly by: string;
  private readonly until: string;
  private readonly now: () => Date;

  constructor(
    private readonly collection: Collection<T>,
    private readonly options: RowClaimsOptions,
  ) {
    const prefix = options.prefix ?? '';
    this.by = `${prefix}claimed_by`;
    this.until = `${prefix}claimed_until`;
    this.now = options.now ?? (() => new Date());
  }

  /** Rows no replica holds now (never claimed, released, or claimed by one whose claim expired). */
  unclaimed(now = this.now()): Filter<T> {
    return { $or: [{ [this.until]: null }, { [this.until]: { $lte: now } }] } as Filter<T>;
  }

  /** Matches a row only while `token` still holds it. */
  held(token: string): Filter<T> {
    return { [this.by]: token } as Filter<T>;
  }

  /** The fields that give a row back (merge into the finishing `$set`). */
  released(): Record<string, null> {
    return { [this.by]: null, [this.until]: null };
  }

  private claimFields(token: string, now: Date): UpdateFilter<T> {
    return {
      $set: { [this.by]: token, [this.until]: new Date(now.getTime() + this.options.leaseMs) },
    } as UpdateFilter<T>;
  }

  /** Claims the first unclaimed row matching `due` in `sort` order; null when there is none. */
  async claimOne(
    due: Filter<T>,
    sort: Sort,
    options: Pick<FindOptions, 'projection'> = {},
  ): Promise<Claim<T> | null> {
    const now = this.now();
    const token = randomUUID();
    const row = await this.collection.findOneAndUpdate(
      { $and: [due, this.unclaimed(now)] } as Filter<T>,
      this.claimFields(token, now),
      { sort, returnDocument: 'after', ...options },
    );
    return row ? { token, rows: [row] } : null;
  }

  /**
   * Claims up to `limit` unclaimed rows matching `due` under one token: picks candidates, claims those still
   * unclaimed (each row atomically, so a row another replica took in between is skipped), and reads back what
   * this token holds.
   */
  async claimBatch(
    due: Filter<T>,
    sort: Sort,
    limit: number,
    options: Pick<FindOptions, 'projection'> = {},
  ): Promise<Claim<T>> {
    const now = this.now();
    const token = randomUUID();
    const filter = { $and: [due, this.unclaimed(now)] } as Filter<T>;
    const candidates = await this.collection
      .find(filter, { projection: { _id: 1 } })
      .sort(sort)
      .limit(limit)
      .toArray();
    if (candidates.length === 0) return { token, rows: [] };
    await this.collection.updateMany(
      { $and: [{ _id: { $in: candidates.map((c) => c._id) } }, filter] } as Filter<T>,
      this.claimFields(token, now),
    );
    const rows = await this.collection.find(this.held(token), options).sort(sort).toArray();
    return { token, rows };
  }
}
