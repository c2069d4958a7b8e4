import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db, Decimal128, IndexDescription } from 'mongodb';

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
  // the analytics job's sweep: documents its run has not refreshed yet
  { key: { last_updated: 1, member_id: 1 }, name: 'last_updated_1_member_id_1' },
];

/** What the analytics job derives from play and loyalty; everything else on the document is left alone. */
export type DerivedAnalytics = Pick<
  CustomerAnalyticsDocument,
  | 'visit_frequency'
  | 'avg_session_duration'
  | 'avg_spend_per_visit'
  | 'favorite_games'
  | 'preferred_visit_times'
  | 'birthday_month'
  | 'risk_score'
  | 'marketing_segments'
  | 'last_updated'
> &
  Partial<Pick<CustomerAnalyticsDocument, 'last_activity_date'>>;

export class AnalyticsStore {
  readonly collection: Collection<CustomerAnalyticsDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CustomerAnalyticsDocument>(CUSTOMER_ANALYTICS);
  }

  /**
   * Writes the derived fields of many members in one command, one upsert per member (by the unique
   * member_id): repeating it writes the same values. Fields marketing keeps by other means (drinks, dietary
   * preferences, social interactions) are only given their empty values on insert.
   */
  async upsertDerived(rows: { memberId: string; derived: DerivedAnalytics }[]): Promise<void> {
    if (rows.length === 0) return;
    const operations: AnyBulkWriteOperation<CustomerAnalyticsDocument>[] = rows.map(
      ({ memberId, derived }) => ({
        updateOne: {
          filter: { member_id: memberId },
          update: {
            $set: derived,
            $setOnInsert: {
              id: randomUUID(),
              ...(derived.last_activity_date === undefined ? { last_activity_date: null } : {}),
              social_interactions: 0,
              preferred_drinks: [],
              dietary_preferences: [],
            },
          },
          upsert: true,
        },
      }),
    );
    await this.collection.bulkWrite(operations, { ordered: false });
  }

  /** Up to `limit` documents not refreshed since `since`, by member id: what a run has not reached. */
  staleSince(since: Date, limit: number): Promise<CustomerAnalyticsDocument[]> {
    return this.collection
      .find({ last_updated: { $lt: since } }, { projection: { _id: 0 } })
      .sort({ member_id: 1 })
      .limit(limit)
      .toArray();
  }
}
