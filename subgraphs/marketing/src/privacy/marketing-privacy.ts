import type { PrivacyParticipant, ResealReport } from '@casino/server';
import { validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts } from '@casino/mongo';
import type { AnalyticsStore } from '../analytics/analytics-store';
import type { GuestStore } from '../guests/guest-store';
import type { NotificationStore } from '../notifications/notification-store';
import type { ErasedMemberStore } from './erased-members-store';

export interface MarketingMemberErasure {
  memberId: string;
  analyticsDeleted: number;
  notificationsAnonymised: number;
  guestsAnonymised: number;
  /** The notifications and guest visits erased: their audit entries are about the member too */
  notificationIds: string[];
  guestIds: string[];
}

/** The stores holding what marketing's privacy duties touch. */
export interface MarketingPrivacyStores {
  analytics: AnalyticsStore;
  guests: GuestStore;
  notifications: NotificationStore;
  erasedMembers: ErasedMemberStore;
}

/**
 * Marketing's part in the member-data duties compliance coordinates: erasure, the marketing_data retention
 * policy and re-sealing guests' identity documents under the current key. Each reports what it did; the
 * resolvers record it in the audit trail.
 */
export class MarketingPrivacy implements PrivacyParticipant<
  unknown,
  RetentionCounts,
  MarketingMemberErasure
> {
  constructor(
    private readonly stores: MarketingPrivacyStores,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Erases what marketing holds about a member: their customer analytics are deleted (and the member listed in
   * `erased_members` so no job derives them again), notifications to them keep only their delivery facts
   * (title and content `[erased]`, no recipient address, no metadata, no error texts), and the walk-in guest
   * visits converted into them lose names, contact details, notes and the identity document (sealed value and
   * blind index removed). Visits, spend and delivery statuses stay. Idempotent: a repeated run rewrites the
   * same placeholders; counts are of the documents that now carry them.
   */
  async eraseMember(memberId: string): Promise<MarketingMemberErasure> {
    await this.stores.erasedMembers.record(memberId, this.clock());
    const analyticsDeleted = await this.stores.analytics.deleteByMember(memberId);
    const notificationIds = await this.stores.notifications.eraseRecipient(memberId);
    const guests = await this.stores.guests.eraseConvertedInto(memberId);
    return {
      memberId,
      analyticsDeleted,
      notificationsAnonymised: notificationIds.length,
      guestsAnonymised: guests.anonymised,
      notificationIds,
      guestIds: guests.ids,
    };
  }

  /** applyMarketingRetention: one bounded batch of each collection of the marketing_data policy, counts added. */
  async applyRetention(raw: unknown): Promise<RetentionCounts> {
    const input = validateRetentionInput(raw);
    const total: RetentionCounts = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0 };
    for (const apply of [
      () => this.stores.notifications.applyRetention(input),
      () => this.stores.guests.applyRetention(input),
    ]) {
      const counts = await apply();
      for (const key of Object.keys(total) as (keyof RetentionCounts)[]) total[key] += counts[key];
    }
    return total;
  }

  /** Re-seals protected fields under the current key, one batch per field (key rotation). */
  resealProtectedFields(batchSize: number): Promise<ResealReport> {
    return this.stores.guests.resealIdentityDocuments(batchSize);
  }
}
