import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type {
  NotificationCategory,
  NotificationChannel,
  NotificationPriority,
} from '../notifications/notification-store';

export interface NotificationTemplateDocument {
  id: string;
  name: string;
  category: NotificationCategory;
  /** May contain {variable} placeholders */
  title: string;
  /** May contain {variable} placeholders */
  content: string;
  /** Every placeholder used in title and content is listed here */
  variables: string[];
  channels: NotificationChannel[];
  priority: NotificationPriority;
  is_active: boolean;
  /** Gaming, F&B, Security, Management or Maintenance; null (or absent, in old documents) for none */
  department?: string | null;
  /** An admin user (compliance), null when not recorded */
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateFilterInput {
  category?: NotificationCategory | null;
  isActive?: boolean | null;
  channel?: NotificationChannel | null;
}

export const NOTIFICATION_TEMPLATES = 'notification_templates';

export const templateIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { name: 1 }, name: 'name_1', unique: true },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { category: 1, is_active: 1 }, name: 'category_1_is_active_1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const NOTIFICATION_TEMPLATE_FILTER_FIELDS = {
  category: 'category',
  isActive: 'is_active',
  channel: 'channels',
} as const;

export class TemplateStore extends CollectionStore<NotificationTemplateDocument> {
  constructor(db: Db) {
    super(db, NOTIFICATION_TEMPLATES);
  }

  /** Newest first. */
  page(input: TemplateFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, NOTIFICATION_TEMPLATE_FILTER_FIELDS, args, paging);
  }

  async insert(template: NotificationTemplateDocument): Promise<void> {
    await this.collection.insertOne({ ...template });
  }
}
