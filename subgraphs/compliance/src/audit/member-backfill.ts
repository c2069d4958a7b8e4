import type { Db } from 'mongodb';
import { camelCaseKeys, memberIdOf } from '@casino/audit';
import type { AuditEvent } from '@casino/audit';
import type { Logger } from '@casino/logger';
import type { ScheduledJob } from '@casino/scheduler';
import type { ComplianceSettings } from '../settings';
import { AuditLogStore } from './audit-log-store';
import type { AuditLogDocument } from './audit-log-store';
import { AuditLogMigrationStore } from './audit-log-migration-store';

export { AUDIT_LOG_MIGRATIONS } from './audit-log-migration-store';

/** The migration that gives entries stored before `member_id` was kept the member they are about. */
export const MEMBER_ID_BACKFILL = 'member-ids';

/** The backfill's job in `scheduler_jobs` */
export const MEMBER_ID_BACKFILL_JOB = 'audit-log-member-ids';

type StoredEntry = Pick<AuditLogDocument, 'target_type' | 'target_id' | 'changes'>;

/**
 * The member an entry stored before `member_id` was kept is about, as `toAuditLogDocument` works it out
 * today: a Member target, else the memberId (or member_id) at the top of the change's after or before; for a
 * points ledger entry, also the member of the entry its change keeps (`after.entry`).
 */
export function storedMemberIdOf(entry: StoredEntry): string | null {
  const changes = entry.changes ? (camelCaseKeys(entry.changes) as AuditEvent['changes']) : null;
  const named = memberIdOf({ targetType: entry.target_type, targetId: entry.target_id, changes });
  if (named !== null || entry.target_type !== 'PointsLedgerEntry') return named;
  for (const side of [changes?.after, changes?.before]) {
    const ledgerEntry = side && typeof side === 'object' ? (side as { entry?: unknown }).entry : null;
    const memberId = memberIdOf({
      targetType: null,
      targetId: null,
      changes: { before: null, after: ledgerEntry },
    });
    if (memberId !== null) return memberId;
  }
  return null;
}

export interface BackfillCounts {
  /** Entries without a member_id looked at */
  scanned: number;
  /** Entries given their member_id */
  updated: number;
  /** Whether every entry has now been looked at (later passes do nothing) */
  finished: boolean;
}

/**
 * Sets `member_id` on the `audit_logs` entries stored before it was kept, from what each entry already holds
 * (`storedMemberIdOf`), so `auditLogs(filter: { targetId: <memberId> })` finds a member's older point
 * adjustments, redemptions and comps. Entries are walked in id order, in batches, with the position kept in
 * `audit_log_migrations` after each batch: a pass resumes where the last one stopped, and once every entry has
 * been seen the migration is marked finished (entries stored since are given their member when they are stored).
 * Safe to repeat and to run twice at once: an entry that has a member_id is never written again, and the entry
 * whose member is its target keeps none (it is found by its target).
 */
export class AuditMemberBackfill {
  private readonly entries: AuditLogStore;
  private readonly migrations: AuditLogMigrationStore;

  constructor(db: Db) {
    this.entries = new AuditLogStore(db);
    this.migrations = new AuditLogMigrationStore(db);
  }

  /** At most `maxBatches` batches of `batchSize` entries; what it looked at and changed. */
  async run(limits: { batchSize: number; maxBatches: number }, now = new Date()): Promise<BackfillCounts> {
    const progress = await this.migrations.progress(MEMBER_ID_BACKFILL);
    if (progress?.finished_at) return { scanned: 0, updated: 0, finished: true };
    let cursor = progress?.cursor ?? null;
    const counts: BackfillCounts = { scanned: 0, updated: 0, finished: false };
    for (let batch = 0; batch < limits.maxBatches && !counts.finished; batch += 1) {
      const entries = await this.entries.withoutMemberAfter(cursor, limits.batchSize);
      const members: { id: string; memberId: string }[] = [];
      for (const entry of entries) {
        const memberId = storedMemberIdOf(entry);
        if (memberId !== null && memberId !== entry.target_id) members.push({ id: entry.id, memberId });
      }
      const updated = await this.entries.setMemberIds(members);
      counts.scanned += entries.length;
      counts.updated += updated;
      counts.finished = entries.length < limits.batchSize;
      cursor = entries.at(-1)?.id ?? cursor;
      await this.migrations.recordBatch(
        MEMBER_ID_BACKFILL,
        { cursor, finished: counts.finished, scanned: entries.length, updated },
        now,
      );
    }
    return counts;
  }
}

/**
 * The backfill as a scheduled job: every `auditMemberBackfillIntervalMinutes` (none when 0), on one replica at
 * a time (the scheduler's lease), beside the server so it never holds up readiness; each pass logs its counts
 * only. Once the migration is finished a pass reads one document and stops.
 */
export function auditMemberBackfillJobs(
  backfill: Pick<AuditMemberBackfill, 'run'>,
  settings: Pick<
    ComplianceSettings,
    'auditMemberBackfillIntervalMinutes' | 'auditMemberBackfillBatchSize' | 'auditMemberBackfillMaxBatches'
  >,
  logger: Pick<Logger, 'info'>,
): ScheduledJob[] {
  if (settings.auditMemberBackfillIntervalMinutes <= 0) return [];
  return [
    {
      name: MEMBER_ID_BACKFILL_JOB,
      schedule: { everyMs: settings.auditMemberBackfillIntervalMinutes * 60_000 },
      run: async () => {
        const counts = await backfill.run({
          batchSize: settings.auditMemberBackfillBatchSize,
          maxBatches: settings.auditMemberBackfillMaxBatches,
        });
        if (counts.scanned > 0) logger.info(counts, 'audit log member ids backfilled');
        return counts;
      },
    },
  ];
}
