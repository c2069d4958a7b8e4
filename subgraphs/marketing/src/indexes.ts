import type { IndexPlan } from '@casino/mongo';
import { analyticsIndexes, CUSTOMER_ANALYTICS } from './analytics/analytics-store';
import { campaignIndexes, MARKETING_CAMPAIGNS } from './campaigns/campaign-store';
import { guestIndexes, WALK_IN_GUESTS } from './guests/guest-store';
import { NOTIFICATIONS, notificationIndexes } from './notifications/notification-store';
import { NOTIFICATION_TEMPLATES, templateIndexes } from './templates/template-store';

export const MARKETING_INDEXES: IndexPlan = {
  [MARKETING_CAMPAIGNS]: campaignIndexes,
  [CUSTOMER_ANALYTICS]: analyticsIndexes,
  [WALK_IN_GUESTS]: guestIndexes,
  [NOTIFICATIONS]: notificationIndexes,
  [NOTIFICATION_TEMPLATES]: templateIndexes,
};
