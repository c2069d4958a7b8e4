import { randomUUID } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { AnyBulkWriteOperation, Db, Decimal128, IndexDescription } from 'mongodb';
import { CollectionStore, createOneByKeyLoader } from '@casino/mongo';

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

/** The segment marking self-excluded members, who are never in a marketing audience. */
export const SELF_EXCLUDED_SEGMENT = 'self_excluded';

export class AnalyticsStore extends CollectionStore<CustomerAnalyticsDocument> {
  constructor(db: Db) {
    super(db, CUSTOMER_ANALYTICS);
  }

  /** Each member's analytics document, batched per request. */
  byMemberLoader(): DataLoader<string, CustomerAnalyticsDocument | null> {
    return createOneByKeyLoader(this.collection, 'member_id');
  }

  /** Members in any of `segments` whose (possibly stale) segments already say self-excluded. */
  countSelfExcludedIn(segments: string[]): Promise<number> {
    return this.collection.countDocuments({
      $and: [{ marketing_segments: { $in: segments } }, { marketing_segments: SELF_EXCLUDED_SEGMENT }],
    });
  }

  /**
   * The member ids in any of `segments`, self-excluded ones left out, in id order, `batchSize` at a time from
   * one cursor (closed when the caller stops).
   */
  async *audienceCandidateBatches(segments: string[], batchSize: number): AsyncGenerator<string[]> {
    const cursor = this.collection
      .find<{ member_id: string }>(
        {
          $and: [
            { marketing_segments: { $in: segments } },
            { marketing_segments: { $ne: SELF_EXCLUDED_SEGMENT } },
          ],
        },
        { projection: { _id: 0, member_id: 1 } },
      )
      .sort({ member_id: 1 })
      .batchSize(batchSize);
    try {
      let batch: string[] = [];
      for await (const { member_id } of cursor) {
        batch.push(member_id);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      await cursor.close();
    }
  }

  /** How many of `memberIds` are in each of `segments` (segments with none left out). */
  segmentCounts(memberIds: string[], segments: string[]): Promise<{ _id: string; n: number }[]> {
    return this.collection
      .aggregate<{ _id: string; n: number }>([
        { $match: { member_id: { $in: memberIds } } },
        { $unwind: '$marketing_segments' },
        { $match: { marketing_segments: { $in: segments } } },
        { $group: { _id: '$marketing_segments', n: { $sum: 1 } } },
      ])
      .toArray();
  }

  /** Erasure: deletes the member's analytics; returns how many documents went. */
  async deleteByMember(memberId: string): Promise<number> {
    const result = await this.collection.deleteMany({ member_id: memberId });
    return result.deletedCount;
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
