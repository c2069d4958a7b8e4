import { z } from 'zod';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { WorkforceSettings } from '../settings';
import { isInChainAbove } from '../staff/hierarchy';
import { addMonths } from '../staff/review-schedule';
import type { StaffMemberDocument, StaffMemberStore } from '../staff/staff-store';
import type { PerformanceReviewDocument, PerformanceReviewStore } from './performance-review-store';

/** Named limits of performance reviews. */
export const REVIEW_RULES = {
  maxListEntries: 20,
  maxCommentLength: 2_000,
  /** A review may end this far ahead of the server clock (clock skew), not more */
  maxMinutesAhead: 5,
};

const score = z.number().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100');
const entries = z
  .array(z.string().trim().min(1, 'must not be empty').max(300, 'is too long'))
  .max(REVIEW_RULES.maxListEntries, 'has too many entries')
  .nullish();

const createReviewSchema = z
  .object({
    staffMemberId: z.string().trim().min(1, 'is required'),
    reviewerId: z.string().trim().min(1, 'is required'),
    reviewPeriodStart: z.date(),
    reviewPeriodEnd: z
      .date()
      .refine(
        (d) => d.getTime() <= Date.now() + REVIEW_RULES.maxMinutesAhead * 60_000,
        'must not be in the future',
      ),
    performanceScore: score,
    commitmentScore: score,
    strengths: entries,
    improvements: entries,
    comments: z.string().trim().max(REVIEW_RULES.maxCommentLength, 'is too long').nullish(),
  })
  .refine((input) => input.reviewPeriodEnd.getTime() > input.reviewPeriodStart.getTime(), {
    path: ['reviewPeriodEnd'],
    message: 'must be after reviewPeriodStart',
  });

export type CreatePerformanceReviewInput = z.input<typeof createReviewSchema>;

export class PerformanceReviewService {
  constructor(
    private readonly staff: StaffMemberStore,
    private readonly reviews: PerformanceReviewStore,
    private readonly settings: WorkforceSettings,
  ) {}

  /**
   * Records a review written by the staff member's manager or someone above them in the hierarchy. When no
   * review of a later period exists, its scores become the person's current scores, `last_performance_review`
   * is now and the next review is due one review interval after the period end.
   */
  async create(
    rawInput: CreatePerformanceReviewInput,
    now = new Date(),
  ): Promise<{ review: PerformanceReviewDocument; staffMember: StaffMemberDocument }> {
    const input = validateInput(createReviewSchema, rawInput);
    const staffMember = await this.staff.findById(input.staffMemberId);
    if (!staffMember) throw notFound('StaffMember', input.staffMemberId);
    if (staffMember.employment_status === 'terminated') {
      throw badUserInput('input.staffMemberId', 'is terminated');
    }
    const field = 'input.reviewerId';
    if (input.reviewerId === staffMember.id)
      throw badUserInput(field, 'a staff member cannot review themselves');
    const above =
      staffMember.manager_id !== null &&
      (await isInChainAbove(
        this.staff,
        staffMember.manager_id,
        input.reviewerId,
        this.settings.maxHierarchyDepth,
        field,
      ));
    if (!above) throw badUserInput(field, "is not the staff member's manager or above them in the hierarchy");

    const clash = await this.reviews.collection.findOne(
      {
        staff_member_id: staffMember.id,
        review_period_start: { $lt: input.reviewPeriodEnd },
        review_period_end: { $gt: input.reviewPeriodStart },
      },
      { projection: { _id: 0, id: 1 } },
    );
    if (clash) throw conflict('a review already covers part of this period', 'input.reviewPeriodStart');

    const review: PerformanceReviewDocument = {
      id: newId(),
      staff_member_id: staffMember.id,
      reviewer_id: input.reviewerId,
      review_period_start: input.reviewPeriodStart,
      review_period_end: input.reviewPeriodEnd,
      performance_score: input.performanceScore,
      commitment_score: input.commitmentScore,
      strengths: [...new Set(input.strengths ?? [])],
      improvements: [...new Set(input.improvements ?? [])],
      comments: input.comments || null,
      created_at: now,
    };
    await this.reviews.collection.insertOne({ ...review });

    const later = await this.reviews.collection.findOne(
      { staff_member_id: staffMember.id, review_period_end: { $gt: review.review_period_end } },
      { projection: { _id: 0, id: 1 } },
    );
    if (later) return { review, staffMember };
    const updated = await this.staff.collection.findOneAndUpdate(
      { id: staffMember.id },
      {
        $set: {
          performance_score: review.performance_score,
          commitment_score: review.commitment_score,
          last_performance_review: now,
          next_review_due: addMonths(review.review_period_end, this.settings.reviewIntervalMonths),
          last_updated: now,
        },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    return { review, staffMember: updated ?? staffMember };
  }
}
