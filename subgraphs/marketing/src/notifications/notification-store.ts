import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

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
}

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
];

export class NotificationStore {
  readonly collection: Collection<NotificationDocument>;

  constructor(db: Db) {
    this.collection = db.collection<NotificationDocument>(NOTIFICATIONS);
  }

  /** Newest first. */
  page(input: NotificationFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<NotificationDocument> = {};
    if (input.recipientId) filter.recipient_id = input.recipientId;
    if (input.status) filter.status = input.status;
    if (input.category) filter.category = input.category;
    if (input.priority) filter.priority = input.priority;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
