import type { Collection, Db, IndexDescription } from 'mongodb';

/** Marks a tier period as evaluated, so the scheduled job does not walk every member again. */
interface JobRunDocument {
  id: string;
  completed_at: Date;
}

export const LOYALTY_JOB_RUNS = 'loyalty_job_runs';
export const jobRunIndexes: IndexDescription[] = [{ key: { id: 1 }, name: 'id_1', unique: true }];

export class JobRunStore {
  private readonly collection: Collection<JobRunDocument>;

  constructor(db: Db) {
    this.collection = db.collection<JobRunDocument>(LOYALTY_JOB_RUNS);
  }

  async isCompleted(runId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ id: runId })) > 0;
  }

  async complete(runId: string, at: Date): Promise<void> {
    await this.collection.updateOne({ id: runId }, { $set: { completed_at: at } }, { upsert: true });
  }
}
