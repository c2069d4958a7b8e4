import { MongoBulkWriteError } from 'mongodb';
import type { AnyBulkWriteOperation, Db, Filter, IndexDescription } from 'mongodb';
import {
  applyRetentionBatch,
  archiveIndexes,
  archiveOf,
  CollectionStore,
  equalityFilter,
} from '@casino/mongo';
import type {
  PageArgs,
  PagingConfig,
  RetentionBatchInput,
  RetentionCounts,
  RetentionTarget,
} from '@casino/mongo';
import type { AdminRole } from '../admins/admin-user-store';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** Append-only: one entry per mutation or decrypted-PII read, written through this subgraph. */
export interface AuditLogDocument {
  id: string;
  timestamp: Date;
  /** null when a service identity acted */
  admin_user_id: string | null;
  /** The actor's username at the time (`service:<name>` for a service); absent on older entries */
  actor_username?: string | null;
  role: AdminRole | null;
  /** The subgraph that recorded the entry; absent on older entries */
  service?: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  /**
   * The member the entry is about when its target is something else (a ledger entry, a redemption, a
   * self-exclusion period, a comp): the member its changes name. Absent when the target is the member, when
   * no member is named, and on entries stored before it was kept
   */
  member_id?: string | null;
  /** `{ before, after }` of the changed fields, personal data already redacted */
  changes: Record<string, unknown> | null;
  request_id: string | null;
  client_name: string | null;
  ip: string | null;
  outcome: AuditOutcome;
}

export interface AuditLogFilterInput {
  actorId?: string | null;
  action?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: AuditOutcome | null;
  from?: Date | null;
  to?: Date | null;
}

export const AUDIT_LOGS = 'audit_logs';

export const auditLogIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { timestamp: -1 }, name: 'timestamp_-1' },
  { key: { admin_user_id: 1 }, name: 'admin_user_id_1' },
  { key: { timestamp: -1, id: -1 }, name: 'timestamp_-1_id_-1' },
  { key: { target_type: 1, target_id: 1, timestamp: -1 }, name: 'target_type_1_target_id_1_timestamp_-1' },
  { key: { target_id: 1, timestamp: -1 }, name: 'target_id_1_timestamp_-1' },
  { key: { member_id: 1, timestamp: -1 }, name: 'member_id_1_timestamp_-1', sparse: true },
];

/**
 * The `audit_logs` retention category, enforced in-process (compliance owns the trail). An entry's age runs
 * from its `timestamp`. An exception id holds the entries about that target or member (a held member's
 * entries) and those the held id acted in. Anonymising an archived entry clears who acted and from where, and its
 * changes; the action, target and outcome stay.
 */
export const AUDIT_LOGS_TARGET: RetentionTarget = {
  collection: AUDIT_LOGS,
  ageField: 'timestamp',
  inScope: {},
  heldBy: ['target_id', 'member_id', 'admin_user_id'],
  anonymise: {
    admin_user_id: null,
    actor_username: null,
    ip: null,
    client_name: null,
    request_id: null,
    changes: null,
  },
};

export const auditLogArchiveIndexes: IndexDescription[] = archiveIndexes(AUDIT_LOGS_TARGET.ageField);
export const AUDIT_LOGS_ARCHIVE = archiveOf(AUDIT_LOGS);

/** What the audit report counts over a period: entries by outcome, pii reads, sign-ins, denied actors. */
export interface AuditActivityFigures {
  outcomes: { _id: string; n: number }[];
  pii: { n: number }[];
  logins: { _id: string; n: number }[];
  denied: { _id: { id: string | null; name: string | null }; n: number }[];
}

/** The document field each key of the list filter matches (see equalityFilter). */
const AUDIT_LOG_FILTER_FIELDS = {
  actorId: 'admin_user_id',
  action: 'action',
  targetType: 'target_type',
  outcome: 'outcome',
} as const;

export class AuditLogStore extends CollectionStore<AuditLogDocument> {
  constructor(private readonly db: Db) {
    super(db, AUDIT_LOGS);
  }

  /**
   * Entries stored before `member_id` was kept that may name a member (not Member targets: those are found by
   * their target), after `cursor` in id order, at most `limit`: what the member-id backfill walks.
   */
  withoutMemberAfter(
    cursor: string | null,
    limit: number,
  ): Promise<Pick<AuditLogDocument, 'id' | 'target_type' | 'target_id' | 'changes'>[]> {
    return this.collection
      .find(
        {
          ...(cursor === null ? {} : { id: { $gt: cursor } }),
          member_id: { $exists: false },
          target_type: { $ne: 'Member' },
        },
        { projection: { _id: 0, id: 1, target_type: 1, target_id: 1, changes: 1 } },
      )
      .sort({ id: 1 })
      .limit(limit)
      .toArray();
  }

  /**
   * Gives entries their member, each only while it has none (so repeated or overlapping passes change nothing),
   * in one unordered bulk write; how many changed.
   */
  async setMemberIds(members: readonly { id: string; memberId: string }[]): Promise<number> {
    if (members.length === 0) return 0;
    const updates: AnyBulkWriteOperation<AuditLogDocument>[] = members.map(({ id, memberId }) => ({
      updateOne: { filter: { id, member_id: { $exists: false } }, update: { $set: { member_id: memberId } } },
    }));
    return (await this.collection.bulkWrite(updates, { ordered: false })).modifiedCount;
  }

  /**
   * The audit report's figures for [from, to), in one aggregation: entries by outcome, `pii.read` entries,
   * sign-ins by outcome, and actors with more denied attempts than `deniedAttemptsThreshold`, most first.
   */
  async activityFigures(
    from: Date,
    to: Date,
    deniedAttemptsThreshold: number,
  ): Promise<AuditActivityFigures | undefined> {
    const [row] = await this.collection
      .aggregate<AuditActivityFigures>([
        { $match: { timestamp: { $gte: from, $lt: to } } },
        {
          $facet: {
            outcomes: [{ $group: { _id: '$outcome', n: { $sum: 1 } } }],
            pii: [{ $match: { action: 'pii.read' } }, { $count: 'n' }],
            logins: [{ $match: { action: 'login' } }, { $group: { _id: '$outcome', n: { $sum: 1 } } }],
            denied: [
              { $match: { outcome: 'denied' } },
              {
                $group: {
                  _id: { id: '$admin_user_id', name: { $ifNull: ['$actor_username', null] } },
                  n: { $sum: 1 },
                },
              },
              { $match: { n: { $gt: deniedAttemptsThreshold } } },
              { $sort: { n: -1 } },
            ],
          },
        },
      ])
      .toArray();
    return row;
  }

  /** The id, action and changes of every entry the filter matches (erasure looks for those about a member). */
  findChangesOf(
    filter: Filter<AuditLogDocument>,
  ): Promise<Pick<AuditLogDocument, 'id' | 'action' | 'changes'>[]> {
    return this.collection.find(filter, { projection: { _id: 0, id: 1, action: 1, changes: 1 } }).toArray();
  }

  /** Replaces the changes of the given entries (an erasure's scrubbing), in one unordered bulk write. */
  async replaceChanges(changes: { id: string; changes: Record<string, unknown> }[]): Promise<void> {
    if (changes.length === 0) return;
    const updates: AnyBulkWriteOperation<AuditLogDocument>[] = changes.map((entry) => ({
      updateOne: { filter: { id: entry.id }, update: { $set: { changes: entry.changes } } },
    }));
    await this.collection.bulkWrite(updates, { ordered: false });
  }

  /** One bounded batch of the audit_logs retention policy (archive, anonymise, delete). */
  applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> {
    return applyRetentionBatch(this.db, AUDIT_LOGS_TARGET, input);
  }

  /**
   * Inserts the entries whose ids are not stored yet and returns how many that was: a sender retrying a
   * batch after a lost answer records nothing twice. Entries are append-only; a known id is never updated.
   */
  async insertNew(entries: AuditLogDocument[]): Promise<number> {
    const unique = [...new Map(entries.map((entry) => [entry.id, entry])).values()];
    if (unique.length === 0) return 0;
    try {
      await this.collection.insertMany(
        unique.map((entry) => ({ ...entry })),
        { ordered: false },
      );
      return unique.length;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((e) => e.code !== 11000)) throw error;
      // counted from the refused ones: some servers over-report insertedCount after duplicate-key errors
      return unique.length - writeErrors.length;
    }
  }

  page(input: AuditLogFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<AuditLogDocument> = equalityFilter(input, AUDIT_LOG_FILTER_FIELDS);
    // a member's id finds the entries about them too, whatever their target
    if (input.targetId) filter.$or = [{ target_id: input.targetId }, { member_id: input.targetId }];
    if (input.from || input.to) {
      filter.timestamp = {
        ...(input.from ? { $gte: input.from } : {}),
        ...(input.to ? { $lt: input.to } : {}),
      };
    }
    return this.pageWhere(filter, args, paging, { field: 'timestamp', direction: -1 });
  }
}
