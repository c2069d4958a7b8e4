import type { IndexPlan } from '@casino/mongo';
import { ANALYTICS_RUNS, analyticsRunIndexes } from './analytics/analytics-runs';
import { analyticsIndexes, CUSTOMER_ANALYTICS } from './analytics/analytics-store';
import { campaignIndexes, MARKETING_CAMPAIGNS } from './campaigns/campaign-store';
import { ERASED_MEMBERS, erasedMemberIndexes } from './erasure/erase-member';
import { guestIndexes, WALK_IN_GUESTS } from './guests/guest-store';
import { NOTIFICATIONS, notificationIndexes } from './notifications/notification-store';
import { NOTIFICATION_TEMPLATES, templateIndexes } from './templates/template-store';
import { MARKETING_RETENTION_INDEXES } from './retention-enforcement/marketing-retention';

export const MARKETING_INDEXES: IndexPlan = {
  [MARKETING_CAMPAIGNS]: campaignIndexes,
  [CUSTOMER_ANALYTICS]: analyticsIndexes,
  [ANALYTICS_RUNS]: analyticsRunIndexes,
  [WALK_IN_GUESTS]: guestIndexes,
  [NOTIFICATIONS]: notificationIndexes,
  [NOTIFICATION_TEMPLATES]: templateIndexes,
  [ERASED_MEMBERS]: erasedMemberIndexes,
  ...MARKETING_RETENTION_INDEXES,
};
