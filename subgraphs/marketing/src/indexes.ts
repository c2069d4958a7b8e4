import { archiveIndexes, archiveOf } from '@casino/mongo';
import type { IndexPlan } from '@casino/mongo';
import { ANALYTICS_RUNS, analyticsRunIndexes } from './analytics/analytics-run-store';
import { analyticsIndexes, CUSTOMER_ANALYTICS } from './analytics/analytics-store';
import { campaignIndexes, MARKETING_CAMPAIGNS } from './campaigns/campaign-store';
import { guestIndexes, WALK_IN_GUESTS, WALK_IN_GUESTS_RETENTION } from './guests/guest-store';
import {
  NOTIFICATIONS,
  NOTIFICATIONS_RETENTION,
  notificationIndexes,
} from './notifications/notification-store';
import { ERASED_MEMBERS, erasedMemberIndexes } from './privacy/erased-members-store';
import { NOTIFICATION_TEMPLATES, templateIndexes } from './templates/template-store';

export const MARKETING_INDEXES: IndexPlan = {
  [MARKETING_CAMPAIGNS]: campaignIndexes,
  [CUSTOMER_ANALYTICS]: analyticsIndexes,
  [ANALYTICS_RUNS]: analyticsRunIndexes,
  [WALK_IN_GUESTS]: guestIndexes,
  [NOTIFICATIONS]: notificationIndexes,
  [NOTIFICATION_TEMPLATES]: templateIndexes,
  [ERASED_MEMBERS]: erasedMemberIndexes,
  [archiveOf(NOTIFICATIONS)]: archiveIndexes(NOTIFICATIONS_RETENTION.ageField),
  [archiveOf(WALK_IN_GUESTS)]: archiveIndexes(WALK_IN_GUESTS_RETENTION.ageField),
};
