import { LocalTime } from '@casino/config';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { WorkforceSettings } from '../settings';
import type { AdminStaffLinks } from '../staff/admin-staff-links';
import { isInChainAbove } from '../staff/hierarchy';
import { staffIdsInScope } from '../staff/scope';
import type { StaffMemberDocument, StaffMemberStore } from '../staff/staff-store';
import type {
  PerformanceReviewDocument,
  PerformanceReviewFilterInput,
  PerformanceReviewStore,
} from './performance-review-store';
import { REVIEW_RULES } from '../settings';

const score = z.number().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100');
const entries = z
  .array(z.string().trim().min(1, 'must not be empty').max(300, 'is too long'))
  .max(REVIEW_RULES.maxListEntries, 'has too many entries')
  .nullish();

const createReviewSchema = z
  .object({
    staffMemberId: z.string().trim().min(1, 'is required'),
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
  private readonly local: LocalTime;

  constructor(
    private readonly staff: StaffMemberStore,
    private readonly reviews: PerformanceReviewStore,
    private readonly settings: WorkforceSettings,
    private readonly links: AdminStaffLinks,
  ) {
    this.local = new LocalTime(settings.timeZone);
  }

  /** A page of reviews, newest first; a Manager or Supervisor sees their department's staff only. */
  async page(filter: PerformanceReviewFilterInput, identity: Identity, args: PageArgs, paging: PagingConfig) {
    return this.reviews.page(
      { ...filter, staffMemberIds: await staffIdsInScope(this.staff, identity) },
      args,
      paging,
    );
  }

  /** A page of one person's reviews, newest first. */
  reviewsOf(staffMemberId: string, args: PageArgs, paging: PagingConfig) {
    return this.reviews.page({ staffMemberId }, args, paging);
  }

  /**
   * Records a review written by the caller: their account's staff record (the link compliance keeps) must be
   * the staff member's manager or someone above them in the hierarchy, so nobody reviews themselves, a peer or
   * their own superior, and an account without a staff record writes no review. When no
   * review of a later period exists, its scores become the person's current scores, `last_performance_review`
   * is now and the next review is due one review interval after the period end.
   */
  async create(
    rawInput: CreatePerformanceReviewInput,
    caller: Identity,
    now = new Date(),
  ): Promise<{ review: PerformanceReviewDocument; staffMember: StaffMemberDocument }> {
    const input = validateInput(createReviewSchema, rawInput);
    const staffMember = await this.staff.findById(input.staffMemberId);
    if (!staffMember) throw notFound('StaffMember', input.staffMemberId);
    if (staffMember.employment_status === 'terminated') {
      throw badUserInput('input.staffMemberId', 'is terminated');
    }
    if (caller.kind !== 'admin') throw forbiddenError('A review is written by a signed-in admin');
    const reviewerId = await this.links.staffMemberIdOf(caller.userId);
    if (reviewerId === null) {
      throw forbiddenError(
        'A review is written by a staff member: this account is not linked to a staff record',
      );
    }
    const above =
      reviewerId !== staffMember.id &&
      staffMember.manager_id !== null &&
      (await isInChainAbove(
        this.staff,
        staffMember.manager_id,
        reviewerId,
        this.settings.maxHierarchyDepth,
        'input.staffMemberId',
      ));
    if (!above) {
      throw badUserInput(
        'input.staffMemberId',
        "is not someone you manage: a review is written by the staff member's manager or someone above them",
      );
    }

    const clash = await this.reviews.overlapsPeriod(
      staffMember.id,
      input.reviewPeriodStart,
      input.reviewPeriodEnd,
    );
    if (clash) throw conflict('a review already covers part of this period', 'input.reviewPeriodStart');

    const review: PerformanceReviewDocument = {
      id: newId(),
      staff_member_id: staffMember.id,
      reviewer_id: reviewerId,
      review_period_start: input.reviewPeriodStart,
      review_period_end: input.reviewPeriodEnd,
      performance_score: input.performanceScore,
      commitment_score: input.commitmentScore,
      strengths: [...new Set(input.strengths ?? [])],
      improvements: [...new Set(input.improvements ?? [])],
      comments: input.comments || null,
      created_at: now,
    };
    await this.reviews.insert(review);

    if (await this.reviews.hasPeriodEndingAfter(staffMember.id, review.review_period_end)) {
      return { review, staffMember };
    }
    const updated = await this.staff.applyLatestReview(staffMember.id, {
      performance_score: review.performance_score,
      commitment_score: review.commitment_score,
      last_performance_review: now,
      next_review_due: this.local.plusMonths(review.review_period_end, this.settings.reviewIntervalMonths),
      last_updated: now,
    });
    return { review, staffMember: updated ?? staffMember };
  }
}
