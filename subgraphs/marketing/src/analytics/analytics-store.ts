import type { Collection, Db, Decimal128, IndexDescription } from 'mongodb';

export interface CustomerAnalyticsDocument {
  id: string;
  /** One document per member (loyalty's Member) */
  member_id: string;
  last_activity_date: Date | null;
  /** Visits per month */
  visit_frequency: number;
  /** Minutes */
  avg_session_duration: number;
  avg_spend_per_visit: Decimal128;
  favorite_games: string[];
  preferred_visit_times: string[];
  social_interactions: number;
  /** 1 to 12, null when unknown */
  birthday_month: number | null;
  preferred_drinks: string[];
  dietary_preferences: string[];
  /** 0 to 100 */
  risk_score: number;
  marketing_segments: string[];
  last_updated: Date;
}

export const CUSTOMER_ANALYTICS = 'customer_analytics';

export const analyticsIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_id: 1 }, name: 'member_id_1', unique: true },
  { key: { marketing_segments: 1 }, name: 'marketing_segments_1' },
];

export class AnalyticsStore {
  readonly collection: Collection<CustomerAnalyticsDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CustomerAnalyticsDocument>(CUSTOMER_ANALYTICS);
  }
}
