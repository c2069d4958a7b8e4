import type { Db } from 'mongodb';
import { AUDIT_LOGS } from '../audit/audit-log-store';
import { applyRetentionBatch, archiveIndexes, archiveOf } from '@casino/mongo';
import type { RetentionBatchInput, RetentionCounts, RetentionTarget } from '@casino/mongo';

/**
 * The `audit_logs` retention category, enforced in-process (compliance owns the trail). An entry's age runs
 * from its `timestamp`. An exception id holds the entries about that target (a held member's entries) and
 * those the held id acted in. Anonymising an archived entry clears who acted and from where, and its
 * changes; the action, target and outcome stay.
 */
export const AUDIT_LOGS_TARGET: RetentionTarget = {
  collection: AUDIT_LOGS,
  ageField: 'timestamp',
  inScope: {},
  heldBy: ['target_id', 'admin_user_id'],
  anonymise: {
    admin_user_id: null,
    actor_username: null,
    ip: null,
    client_name: null,
    request_id: null,
    changes: null,
  },
};

export const AUDIT_RETENTION_INDEXES = {
  [archiveOf(AUDIT_LOGS)]: archiveIndexes(AUDIT_LOGS_TARGET.ageField),
};

/** One bounded batch of the audit_logs policy on compliance's own database. */
export function applyAuditRetention(db: Db, input: RetentionBatchInput): Promise<RetentionCounts> {
  return applyRetentionBatch(db, AUDIT_LOGS_TARGET, input);
}
