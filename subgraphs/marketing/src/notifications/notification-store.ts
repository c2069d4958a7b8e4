import type { AnyBulkWriteOperation, Db, IndexDescription } from 'mongodb';
import { applyRetentionBatch, CollectionStore } from '@casino/mongo';
import type {
  DeadLetterPage,
  DeadLetterSource,
  DeliveryFailure,
  PageArgs,
  PagingConfig,
  RetentionBatchInput,
  RetentionCounts,
  RetentionTarget,
} from '@casino/mongo';
import { ERASED_TEXT } from '../privacy/erased-members-store';

export const NOTIFICATION_CATEGORIES = [
  'security',
  'compliance',
  'marketing',
  'system',
  'user_activity',
] as const;
export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'sms', 'push'] as const;

export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export type NotificationStatus = 'pending' | 'sent' | 'delivered' | 'failed' | 'read';
export type RecipientType = 'user' | 'admin' | 'system';

/** One move of a notification's status, in order. */
export interface NotificationStatusChange {
  status: NotificationStatus;
  at: Date;
  /** Why, when there is more to say (a deferral, a failure) */
  reason?: string | null;
}

/** How one channel's delivery went. */
export interface NotificationDelivery {
  channel: NotificationChannel;
  status: 'delivered' | 'failed';
  at: Date;
  error: string | null;
}

export interface NotificationDocument {
  id: string;
  template_id: string | null;
  recipient_type: RecipientType;
  /** A member id for users, an admin user id for admins, null for the system */
  recipient_id: string | null;
  recipient_email: string | null;
  recipient_phone: string | null;
  title: string;
  content: string;
  category: NotificationCategory;
  priority: NotificationPriority;
  channels: NotificationChannel[];
  status: NotificationStatus;
  scheduled_at: Date | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  /** When the dispatcher may send it: now, the requested time, or the end of quiet hours (pending only) */
  due_at?: Date | null;
  /** Every status it went through, in order (absent in old documents) */
  status_history?: NotificationStatusChange[];
  /** One entry per channel once it was dispatched (absent until then) */
  deliveries?: NotificationDelivery[];
  /** Dispatch rounds that failed before any channel saw it (the notification could not be claimed or read) */
  dispatch_attempts?: number;
  /** Why the last such round failed (no personal data) */
  dispatch_error?: DeliveryFailure | null;
  /** Set when it was set aside after too many failed rounds: pending, never due, kept for a SuperAdmin */
  dead_at?: Date | null;
}

export const NOTIFICATION_KIND = 'notification';

export interface NotificationFilterInput {
  recipientId?: string | null;
  status?: NotificationStatus | null;
  category?: NotificationCategory | null;
  priority?: NotificationPriority | null;
}

export const NOTIFICATIONS = 'notifications';

export const notificationIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { recipient_id: 1 }, name: 'recipient_id_1' },
  { key: { status: 1 }, name: 'status_1' },
  { key: { created_at: -1 }, name: 'created_at_-1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { recipient_id: 1, created_at: -1 }, name: 'recipient_id_1_created_at_-1' },
  { key: { status: 1, due_at: 1 }, name: 'status_1_due_at_1' },
  { key: { dead_at: 1 }, name: 'dead_at_1' },
];

/**
 * Notifications in a final state (delivered, failed, read: nothing will happen to them any more), aged from
 * `created_at`. An exception id holds the notifications to that recipient (a member). Anonymising an archived
 * one keeps its category, channels and delivery facts, like erasure: no recipient, no text, no metadata.
 */
export const NOTIFICATIONS_RETENTION: RetentionTarget = {
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

/** The dashboard's notification figures over a range: counts by status, and channel outcomes. */
export interface NotificationFacets {
  byStatus: { _id: NotificationStatus; n: number }[];
  byChannel: { _id: { channel: NotificationChannel; status: 'delivered' | 'failed' }; n: number }[];
}

/** The document field each key of the list filter matches (see equalityFilter). */
const NOTIFICATION_FILTER_FIELDS = {
  recipientId: 'recipient_id',
  status: 'status',
  category: 'category',
  priority: 'priority',
} as const;

export class NotificationStore extends CollectionStore<NotificationDocument> {
  constructor(private readonly db: Db) {
    super(db, NOTIFICATIONS);
  }

  /** Newest first. */
  page(input: NotificationFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, NOTIFICATION_FILTER_FIELDS, args, paging);
  }

  async insert(notification: NotificationDocument): Promise<void> {
    await this.collection.insertOne({ ...notification });
  }

  /** Takes a pending notification for sending (pending -> sent); null when another dispatcher took it. */
  claim(id: string, at: Date) {
    return this.collection.findOneAndUpdate(
      { id, status: 'pending' },
      {
        $set: { status: 'sent', sent_at: at, due_at: null },
        $push: { status_history: { status: 'sent', at } },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** Records how the channels went (sent -> delivered or failed). */
  finish(id: string, outcome: 'delivered' | 'failed', deliveries: NotificationDelivery[], at: Date) {
    const reason =
      outcome === 'failed' ? deliveries.map((d) => `${d.channel}: ${d.error ?? 'failed'}`).join('; ') : null;
    return this.collection.findOneAndUpdate(
      { id, status: 'sent' },
      {
        $set: { status: outcome, deliveries, ...(outcome === 'delivered' ? { delivered_at: at } : {}) },
        $push: { status_history: { status: outcome, at, reason } },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** delivered -> read; null when the notification is not delivered (unread) anymore. */
  markRead(id: string, at: Date) {
    return this.collection.findOneAndUpdate(
      { id, status: 'delivered' },
      { $set: { status: 'read', read_at: at }, $push: { status_history: { status: 'read', at } } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /**
   * A dispatch round failed before any channel saw the notification: it goes back to pending (also if the
   * claim went through but its answer could not be read) to be tried again after `retryInMs`, or, at
   * `maxAttempts`, is set aside as dead. Returns whether it is now dead.
   */
  async dispatchFailed(
    id: string,
    failure: DeliveryFailure,
    options: { maxAttempts: number; retryInMs: (attempts: number) => number; at: Date },
  ): Promise<boolean> {
    const current = await this.collection.findOne(
      { id, status: { $in: ['pending', 'sent'] }, deliveries: { $exists: false } },
      { projection: { _id: 0, dispatch_attempts: 1 } },
    );
    if (!current) return false;
    const attempts = (current.dispatch_attempts ?? 0) + 1;
    const dead = attempts >= options.maxAttempts;
    await this.collection.updateOne(
      { id, status: { $in: ['pending', 'sent'] }, deliveries: { $exists: false } },
      {
        $set: {
          status: 'pending',
          sent_at: null,
          dispatch_attempts: attempts,
          dispatch_error: failure,
          due_at: dead ? null : new Date(options.at.getTime() + options.retryInMs(attempts)),
          ...(dead ? { dead_at: options.at } : {}),
        },
      },
    );
    return dead;
  }

  /** Notifications set aside as dead, most recent first (ids, attempts and why; never their content). */
  async deadLetters(limit: number): Promise<DeadLetterPage> {
    const filter = { dead_at: { $ne: null } };
    const [count, docs] = await Promise.all([
      this.collection.countDocuments(filter),
      this.collection
        .find(filter, { projection: { _id: 0, id: 1, dispatch_attempts: 1, dispatch_error: 1, dead_at: 1 } })
        .sort({ dead_at: -1 })
        .limit(limit)
        .toArray(),
    ]);
    return {
      count,
      items: docs.map((doc) => ({
        id: doc.id,
        kind: NOTIFICATION_KIND,
        attempts: doc.dispatch_attempts ?? 0,
        lastError: doc.dispatch_error ?? null,
        deadSince: doc.dead_at!,
      })),
    };
  }

  /** Makes a dead notification due again with a fresh count of attempts; false when none has this id. */
  async retryDead(id: string, at: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { id, dead_at: { $ne: null } },
      { $set: { dead_at: null, dispatch_attempts: 0, due_at: at } },
    );
    return result.modifiedCount === 1;
  }

  /** Pending notifications that are due (the outbox's backlog; dead ones are never due). */
  dueCount(now: Date): Promise<number> {
    return this.collection.countDocuments({ status: 'pending', due_at: { $lte: now } });
  }

  /** When the earliest pending notification that is due fell due; null when none is. */
  async earliestDueAt(now: Date): Promise<Date | null> {
    const earliest = await this.collection.findOne(
      { status: 'pending', due_at: { $lte: now } },
      { sort: { due_at: 1 }, projection: { _id: 0, due_at: 1 } },
    );
    return earliest?.due_at ?? null;
  }

  /** Counts by status and per-channel outcomes of the notifications created in [from, to). */
  async dashboardFacets(range: { from: Date; to: Date }): Promise<NotificationFacets | undefined> {
    const [facets] = await this.collection
      .aggregate<NotificationFacets>([
        { $match: { created_at: { $gte: range.from, $lt: range.to } } },
        {
          $facet: {
            byStatus: [{ $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            byChannel: [
              { $unwind: '$deliveries' },
              {
                $group: {
                  _id: { channel: '$deliveries.channel', status: '$deliveries.status' },
                  n: { $sum: 1 },
                },
              },
            ],
          },
        },
      ])
      .toArray();
    return facets;
  }

  /**
   * Erasure: the member's notifications keep only their delivery facts (title and content `[erased]`, no
   * recipient address, no metadata, no error texts). Returns the ids of the notifications erased.
   */
  async eraseRecipient(memberId: string): Promise<string[]> {
    const sent = await this.collection
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
    if (operations.length > 0) await this.collection.bulkWrite(operations, { ordered: false });
    return sent.map((notification) => notification.id);
  }

  /** One bounded batch of the marketing_data retention policy over notifications. */
  applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> {
    return applyRetentionBatch(this.db, NOTIFICATIONS_RETENTION, input);
  }

  /** Ids of pending notifications that are due, earliest first. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const docs = await this.collection
      .find({ status: 'pending', due_at: { $lte: now } }, { projection: { _id: 0, id: 1 } })
      .sort({ due_at: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => doc.id);
  }
}

/** The notification outbox's dead notifications, for marketing's dead-letter query. */
export function notificationDeadLetterSource(store: NotificationStore): DeadLetterSource {
  return { page: (limit) => store.deadLetters(limit), retry: (id) => store.retryDead(id, new Date()) };
}
