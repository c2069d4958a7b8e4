import type { Collection, Db, IndexDescription } from 'mongodb';
import { insertUnlessDuplicate } from '@casino/mongo';
import type { RetentionCounts } from '@casino/mongo';
import type { RetentionDataCategory } from './retention-policy-store';

export type RetentionRunStatus = 'running' | 'completed' | 'failed';

/**
 * One run of a retention policy, in `retention_runs` (the data retention report lists the latest by
 * `started_at`). The counts add up the batches; `skipped` and `remaining` are as of the last batch.
 */
export interface RetentionRunDocument extends RetentionCounts {
  id: string;
  policy_id: string;
  policy_name: string;
  data_category: RetentionDataCategory;
  /** `schedule`, or the id of the admin who ran it */
  triggered_by: string;
  status: RetentionRunStatus;
  started_at: Date;
  finished_at: Date | null;
  batches: number;
  /** Why a failed run failed (no personal data: the owner's error message) */
  error: string | null;
  /** The policy while the run is in progress (removed when it ends): one run per policy at a time */
  running_policy_id?: string;
}

/** Where retention enforcement records its runs; a data retention report lists the latest. */
export const RETENTION_RUNS = 'retention_runs';

export const retentionRunIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { started_at: -1 }, name: 'started_at_-1' },
  { key: { running_policy_id: 1 }, name: 'running_policy_id_1', unique: true, sparse: true },
];

export class RetentionRunStore {
  private readonly collection: Collection<RetentionRunDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RetentionRunDocument>(RETENTION_RUNS);
  }

  /** Ends as failed the policy's runs still marked running that started before `staleBefore`. */
  async failAbandoned(policyId: string, staleBefore: Date, now: Date): Promise<void> {
    await this.collection.updateMany(
      { running_policy_id: policyId, started_at: { $lt: staleBefore } },
      {
        $set: { status: 'failed', finished_at: now, error: 'abandoned (the process stopped mid-run)' },
        $unset: { running_policy_id: '' },
      },
    );
  }

  /** Stores a run in progress; false when a run of the same policy is already in progress. */
  insertRunning(run: RetentionRunDocument): Promise<boolean> {
    return insertUnlessDuplicate(this.collection, run);
  }

  /** Stores how the run ended and releases its policy. */
  async finish(run: Omit<RetentionRunDocument, 'running_policy_id'>): Promise<void> {
    await this.collection.updateOne({ id: run.id }, { $set: run, $unset: { running_policy_id: '' } });
  }

  /** The latest runs, newest first. */
  latest(limit: number): Promise<RetentionRunDocument[]> {
    return this.collection
      .find({}, { projection: { _id: 0 } })
      .sort({ started_at: -1 })
      .limit(limit)
      .toArray();
  }
}
