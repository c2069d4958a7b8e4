import type { Db, Filter, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export interface PerformanceReviewDocument {
  id: string;
  staff_member_id: string;
  /** The StaffMember who wrote the review */
  reviewer_id: string;
  review_period_start: Date;
  review_period_end: Date;
  /** 0-100 */
  performance_score: number;
  /** 0-100 */
  commitment_score: number;
  strengths: string[];
  improvements: string[];
  comments: string | null;
  created_at: Date;
}

export interface PerformanceReviewFilterInput {
  staffMemberId?: string | null;
  /** Only records of these staff members (the caller's department); not part of the GraphQL filter */
  staffMemberIds?: string[];
  reviewerId?: string | null;
}

export const PERFORMANCE_REVIEWS = 'performance_reviews';

export const performanceReviewIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { staff_member_id: 1, created_at: -1 }, name: 'staff_member_id_1_created_at_-1' },
  { key: { reviewer_id: 1 }, name: 'reviewer_id_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

export class PerformanceReviewStore extends CollectionStore<PerformanceReviewDocument> {
  constructor(db: Db) {
    super(db, PERFORMANCE_REVIEWS);
  }

  page(input: PerformanceReviewFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<PerformanceReviewDocument> = {};
    if (input.staffMemberId || input.staffMemberIds) {
      filter.staff_member_id = {
        ...(input.staffMemberId ? { $eq: input.staffMemberId } : {}),
        ...(input.staffMemberIds ? { $in: input.staffMemberIds } : {}),
      };
    }
    if (input.reviewerId) filter.reviewer_id = input.reviewerId;
    return this.pageWhere(filter, args, paging);
  }

  /** Whether a review of the person already covers part of the period from `start` to `end`. */
  async overlapsPeriod(staffMemberId: string, start: Date, end: Date): Promise<boolean> {
    const clash = await this.collection.findOne(
      {
        staff_member_id: staffMemberId,
        review_period_start: { $lt: end },
        review_period_end: { $gt: start },
      },
      { projection: { _id: 0, id: 1 } },
    );
    return clash !== null;
  }

  /** Whether the person has a review of a period ending after `end`. */
  async hasPeriodEndingAfter(staffMemberId: string, end: Date): Promise<boolean> {
    const later = await this.collection.findOne(
      { staff_member_id: staffMemberId, review_period_end: { $gt: end } },
      { projection: { _id: 0, id: 1 } },
    );
    return later !== null;
  }

  async insert(review: PerformanceReviewDocument): Promise<void> {
    await this.collection.insertOne({ ...review });
  }
}
