import { MongoBulkWriteError } from 'mongodb';
import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
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
];

export class AuditLogStore {
  readonly collection: Collection<AuditLogDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AuditLogDocument>(AUDIT_LOGS);
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
    const filter: Filter<AuditLogDocument> = {};
    if (input.actorId) filter.admin_user_id = input.actorId;
    if (input.action) filter.action = input.action;
    if (input.targetType) filter.target_type = input.targetType;
    if (input.targetId) filter.target_id = input.targetId;
    if (input.outcome) filter.outcome = input.outcome;
    if (input.from || input.to) {
      filter.timestamp = {
        ...(input.from ? { $gte: input.from } : {}),
        ...(input.to ? { $lt: input.to } : {}),
      };
    }
    return paginate(this.collection, filter, args, { field: 'timestamp', direction: -1 }, paging);
  }
}
