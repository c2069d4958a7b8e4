import type { Collection, Db, IndexDescription } from 'mongodb';

/** Progress of the one-off passes over `audit_logs`, one document per migration (`name`). */
export const AUDIT_LOG_MIGRATIONS = 'audit_log_migrations';
export const auditLogMigrationIndexes: IndexDescription[] = [
  { key: { name: 1 }, name: 'name_1', unique: true },
];

export interface AuditLogMigrationDocument {
  name: string;
  /** The last entry id handled (entries are walked in id order); null before the first batch */
  cursor: string | null;
  /** When every entry had been handled: later passes do nothing */
  finished_at: Date | null;
  scanned: number;
  updated: number;
  updated_at: Date;
}

/** Where each one-off pass over the audit trail stands, so a pass resumes where the last one stopped. */
export class AuditLogMigrationStore {
  private readonly collection: Collection<AuditLogMigrationDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AuditLogMigrationDocument>(AUDIT_LOG_MIGRATIONS);
  }

  /** The migration's progress; null before its first batch. */
  progress(name: string): Promise<AuditLogMigrationDocument | null> {
    return this.collection.findOne({ name }, { projection: { _id: 0 } });
  }

  /** Keeps the position after a batch and adds its counts; `finished` marks the migration done. */
  async recordBatch(
    name: string,
    batch: { cursor: string | null; finished: boolean; scanned: number; updated: number },
    now: Date,
  ): Promise<void> {
    await this.collection.updateOne(
      { name },
      {
        $set: { cursor: batch.cursor, updated_at: now, finished_at: batch.finished ? now : null },
        $inc: { scanned: batch.scanned, updated: batch.updated },
      },
      { upsert: true },
    );
  }
}
