import type { Db } from 'mongodb';
import { ERASED_GUEST, ERASED_TEXT } from '../erasure/erase-member';
import { WALK_IN_GUESTS } from '../guests/guest-store';
import { NOTIFICATIONS } from '../notifications/notification-store';
import { applyRetentionBatch, archiveIndexes, archiveOf, validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts, RetentionTarget } from '@casino/mongo';

/**
 * Notifications in a final state (delivered, failed, read: nothing will happen to them any more), aged from
 * `created_at`. An exception id holds the notifications to that recipient (a member). Anonymising an archived
 * one keeps its category, channels and delivery facts, like erasure: no recipient, no text, no metadata.
 */
export const NOTIFICATIONS_TARGET: RetentionTarget = {
  collection: NOTIFICATIONS,
  ageField: 'created_at',
  inScope: { status: { $in: ['delivered', 'failed', 'read'] } },
  heldBy: ['recipient_id'],
  anonymise: {
    recipient_id: null,
    recipient_email: null,
    recipient_phone: null,
    title: ERASED_TEXT,
    content: ERASED_TEXT,
    metadata: {},
    deliveries: [],
    // failure reasons may quote an address
    status_history: [],
  },
};

/**
 * Walk-in guests never converted into members (a converted visit belongs to the member's history and goes
 * with the member_data policy and erasure), aged from `visit_date`. An exception id holds the guest record
 * with that id. Anonymising clears names, contact details, notes and the identity document (sealed value and
 * blind index); the visit, spend and games stay.
 */
export const WALK_IN_GUESTS_TARGET: RetentionTarget = {
  collection: WALK_IN_GUESTS,
  ageField: 'visit_date',
  inScope: { converted_to_member: false },
  heldBy: ['id'],
  anonymise: {
    first_name: ERASED_GUEST.firstName,
    last_name: ERASED_GUEST.lastName,
    nationality: ERASED_GUEST.nationality,
    phone: null,
    email: null,
    id_document: null,
    id_document_index: null,
    notes: null,
    open_visit_key: null,
  },
};

export const MARKETING_RETENTION_INDEXES = {
  [archiveOf(NOTIFICATIONS)]: archiveIndexes(NOTIFICATIONS_TARGET.ageField),
  [archiveOf(WALK_IN_GUESTS)]: archiveIndexes(WALK_IN_GUESTS_TARGET.ageField),
};

/** applyMarketingRetention: one bounded batch of each collection of the marketing_data policy, counts added. */
export class MarketingRetention {
  constructor(private readonly db: Db) {}

  async apply(raw: unknown): Promise<RetentionCounts> {
    const input = validateRetentionInput(raw);
    const total: RetentionCounts = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0 };
    for (const target of [NOTIFICATIONS_TARGET, WALK_IN_GUESTS_TARGET]) {
      const counts = await applyRetentionBatch(this.db, target, input);
      for (const key of Object.keys(total) as (keyof RetentionCounts)[]) total[key] += counts[key];
    }
    return total;
  }
}
