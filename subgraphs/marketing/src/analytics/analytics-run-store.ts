import { randomUUID } from 'node:crypto';
import type { Collection, Db, IndexDescription } from 'mongodb';
import { insertUnlessDuplicate } from '@casino/mongo';

export type AnalyticsRunTrigger = 'scheduled' | 'on_demand';
export type AnalyticsRunStatus = 'running' | 'completed' | 'failed';

/** One run of the customer analytics job, kept in `analytics_runs`. */
export interface AnalyticsRunDocument {
  id: string;
  trigger: AnalyticsRunTrigger;
  status: AnalyticsRunStatus;
  started_at: Date;
  finished_at: Date | null;
  /** The play window the run looked at: sessions started in [window_from, window_to) */
  window_from: Date;
  window_to: Date;
  /** Members whose analytics the run wrote so far */
  members_processed: number;
  batches: number;
  /** Why a failed run failed (no internal detail, no personal data) */
  error: string | null;
  /** When the run last finished a batch; a running run silent for too long counts as crashed */
  heartbeat_at: Date;
  /**
   * Present only while the run is running: a unique sparse index on it lets one run at a time hold the job,
   * across replicas (mongo-java-server ignores partial indexes, hence sparse).
   */
  lock?: string;
}

export const ANALYTICS_RUNS = 'analytics_runs';
const LOCK = 'customer_analytics';

export const analyticsRunIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { lock: 1 }, name: 'lock_1', unique: true, sparse: true },
  { key: { started_at: -1 }, name: 'started_at_-1' },
];

export class AnalyticsRunStore {
  private readonly collection: Collection<AnalyticsRunDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AnalyticsRunDocument>(ANALYTICS_RUNS);
  }

  /**
   * Starts a run holding the job's lock; null when another live run holds it. A running run whose heartbeat
   * is older than `staleMs` crashed: it is marked failed and its lock released first.
   */
  async start(
    trigger: AnalyticsRunTrigger,
    window: { from: Date; to: Date },
    now: Date,
    staleMs: number,
  ): Promise<AnalyticsRunDocument | null> {
    await this.collection.updateMany(
      { lock: LOCK, heartbeat_at: { $lt: new Date(now.getTime() - staleMs) } },
      {
        $set: { status: 'failed', finished_at: now, error: 'abandoned: no progress (crashed?)' },
        $unset: { lock: '' },
      },
    );
    const run: AnalyticsRunDocument = {
      id: randomUUID(),
      trigger,
      status: 'running',
      started_at: now,
      finished_at: null,
      window_from: window.from,
      window_to: window.to,
      members_processed: 0,
      batches: 0,
      error: null,
      heartbeat_at: now,
      lock: LOCK,
    };
    return (await insertUnlessDuplicate(this.collection, run)) ? run : null;
  }

  /** Records a finished batch. */
  async progress(id: string, members: number, now: Date): Promise<void> {
    await this.collection.updateOne(
      { id },
      { $inc: { members_processed: members, batches: 1 }, $set: { heartbeat_at: now } },
    );
  }

  /** Ends a run, releasing the lock; returns the final document. */
  async finish(id: string, outcome: { error: string | null }, now: Date): Promise<AnalyticsRunDocument> {
    const run = await this.collection.findOneAndUpdate(
      { id },
      {
        $set: {
          status: outcome.error ? 'failed' : 'completed',
          finished_at: now,
          heartbeat_at: now,
          error: outcome.error,
        },
        $unset: { lock: '' },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!run) throw new Error(`analytics run ${id} vanished`);
    return run;
  }
}
