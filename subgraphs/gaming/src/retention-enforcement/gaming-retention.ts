import type { Db } from 'mongodb';
import { GAMING_SESSIONS } from '../sessions/session-store';
import { applyRetentionBatch, archiveIndexes, archiveOf, validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts, RetentionTarget } from '@casino/mongo';

/**
 * The `gaming_logs` retention category: ended gaming sessions. A session's age runs from when it ended
 * (`session_end`, the seed's end time); only completed sessions are in scope. An exception id is a
 * member id. Anonymising an archived session clears the member it belonged to and its seat; the amounts stay
 * for the statistics.
 */
export const GAMING_LOGS_TARGET: RetentionTarget = {
  collection: GAMING_SESSIONS,
  ageField: 'session_end',
  // a suspended session may resume, and a points credit still pending is the dispatcher's to deliver first
  inScope: {
    status: 'completed',
    session_end: { $ne: null },
    'credit.status': { $nin: ['pending', 'dead'] },
  },
  heldBy: ['member_id'],
  anonymise: { member_id: null, table_number: null, seat_number: null, machine_number: null },
};

/** The archive's indexes, added to the subgraph's index plan */
export const GAMING_RETENTION_INDEXES = {
  [archiveOf(GAMING_SESSIONS)]: archiveIndexes(GAMING_LOGS_TARGET.ageField),
};

/** applyGamingRetention: one bounded batch of compliance's gaming_logs policy. */
export class GamingRetention {
  constructor(private readonly db: Db) {}

  apply(raw: unknown): Promise<RetentionCounts> {
    return applyRetentionBatch(this.db, GAMING_LOGS_TARGET, validateRetentionInput(raw));
  }
}
