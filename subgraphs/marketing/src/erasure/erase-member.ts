import type { AnyBulkWriteOperation, Db, IndexDescription } from 'mongodb';
import { CUSTOMER_ANALYTICS } from '../analytics/analytics-store';
import { WALK_IN_GUESTS } from '../guests/guest-store';
import type { WalkInGuestDocument } from '../guests/guest-store';
import { NOTIFICATIONS } from '../notifications/notification-store';
import type { NotificationDocument } from '../notifications/notification-store';

/**
 * Members erased on request (PDPA right to erasure), one document per member. Anything that derives
 * per-member data (the customer analytics job) must skip the members listed here: loyalty still answers for
 * them (inactive, without consent) and gaming keeps their sessions, so they would otherwise be recreated.
 */
export const ERASED_MEMBERS = 'erased_members';

export interface ErasedMemberDocument {
  member_id: string;
  erased_at: Date;
}

export const erasedMemberIndexes: IndexDescription[] = [
  { key: { member_id: 1 }, name: 'member_id_1', unique: true },
];

/** What replaces erased free text (notification titles and contents, delivery errors). */
export const ERASED_TEXT = '[erased]';
/** What an erased member's converted walk-in guest records are called instead of their names. */
export const ERASED_GUEST = { firstName: 'Erased', lastName: 'Guest', nationality: '[erased]' } as const;

export interface MarketingMemberErasure {
  memberId: string;
  analyticsDeleted: number;
  notificationsAnonymised: number;
  guestsAnonymised: number;
  /** The notifications and guest visits erased: their audit entries are about the member too */
  notificationIds: string[];
  guestIds: string[];
}

/**
 * Erases what marketing holds about a member: their customer analytics are deleted (and the member listed in
 * `erased_members` so no job derives them again), notifications to them keep only their delivery facts
 * (title and content `[erased]`, no recipient address, no metadata, no error texts), and the walk-in guest
 * visits converted into them lose names, contact details, notes and the identity document (sealed value and
 * blind index removed). Visits, spend and delivery statuses stay. Idempotent: a repeated run rewrites the
 * same placeholders; counts are of the documents that now carry them.
 */
export async function eraseMarketingMember(
  db: Db,
  memberId: string,
  now: Date = new Date(),
): Promise<MarketingMemberErasure> {
  await db
    .collection<ErasedMemberDocument>(ERASED_MEMBERS)
    .updateOne(
      { member_id: memberId },
      { $setOnInsert: { member_id: memberId, erased_at: now } },
      { upsert: true },
    );
  const analytics = await db.collection(CUSTOMER_ANALYTICS).deleteMany({ member_id: memberId });

  const notifications = db.collection<NotificationDocument>(NOTIFICATIONS);
  const sent = await notifications
    .find(
      { recipient_type: 'user', recipient_id: memberId },
      { projection: { _id: 0, id: 1, status_history: 1, deliveries: 1 } },
    )
    .toArray();
  const operations: AnyBulkWriteOperation<NotificationDocument>[] = sent.map((notification) => ({
    updateOne: {
      filter: { id: notification.id },
      update: {
        $set: {
          title: ERASED_TEXT,
          content: ERASED_TEXT,
          recipient_email: null,
          recipient_phone: null,
          metadata: {},
          ...(notification.status_history
            ? {
                status_history: notification.status_history.map((change) => ({
                  ...change,
                  reason: change.reason ? ERASED_TEXT : (change.reason ?? null),
                })),
              }
            : {}),
          ...(notification.deliveries
            ? {
                deliveries: notification.deliveries.map((delivery) => ({
                  ...delivery,
                  error: delivery.error ? ERASED_TEXT : null,
                })),
              }
            : {}),
        },
      },
    },
  }));
  if (operations.length > 0) await notifications.bulkWrite(operations, { ordered: false });

  const guestCollection = db.collection<WalkInGuestDocument>(WALK_IN_GUESTS);
  const guestIds = (
    await guestCollection.find({ converted_member_id: memberId }, { projection: { _id: 0, id: 1 } }).toArray()
  ).map((guest) => guest.id);
  const guests = await guestCollection.updateMany(
    { converted_member_id: memberId },
    {
      $set: {
        first_name: ERASED_GUEST.firstName,
        last_name: ERASED_GUEST.lastName,
        nationality: ERASED_GUEST.nationality,
        phone: null,
        email: null,
        notes: null,
        marketing_consent: false,
      },
      $unset: { id_document: '', id_document_index: '', open_visit_key: '' },
    },
  );

  return {
    memberId,
    analyticsDeleted: analytics.deletedCount,
    notificationsAnonymised: sent.length,
    guestsAnonymised: guests.matchedCount,
    notificationIds: sent.map((notification) => notification.id),
    guestIds,
  };
}
