import type { LocalTime } from '@casino/config';
import { z } from 'zod';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Identity } from '@casino/auth';
import type { Department } from '../staff/departments';
import { departmentSchema } from '../staff/departments';
import { staffIdsInScope } from '../staff/scope';
import type { StaffMemberDocument, StaffMemberStore } from '../staff/staff-store';
import type { TrainingCourseDocument, TrainingCourseStore } from './course-store';
import type {
  TrainingOutcome,
  TrainingRecordDocument,
  TrainingRecordFilterInput,
  TrainingRecordStore,
} from './training-record-store';
import { TRAINING_RULES } from '../settings';

const MINUTE_MS = 60_000;

const recordCompletionSchema = z.object({
  staffMemberId: z.string().trim().min(1, 'is required'),
  courseId: z.string().trim().min(1, 'is required'),
  score: z.number().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100'),
  completedAt: z
    .date()
    .refine(
      (d) => d.getTime() <= Date.now() + TRAINING_RULES.maxMinutesAhead * MINUTE_MS,
      'must not be in the future',
    ),
});

export type RecordTrainingCompletionInput = z.input<typeof recordCompletionSchema>;

export interface OverdueCourseEntry {
  course: TrainingCourseDocument;
  expiredAt: Date | null;
}

export interface OverdueTrainingEntry {
  staffMember: StaffMemberDocument;
  courses: OverdueCourseEntry[];
}

export class TrainingService {
  constructor(
    private readonly staff: StaffMemberStore,
    private readonly courses: TrainingCourseStore,
    private readonly records: TrainingRecordStore,
    /** The property's calendar: a completion expires on the same local date `validity_months` later */
    private readonly local: LocalTime,
  ) {}

  /** A page of training records, newest first; a Manager or Supervisor sees their department's staff only. */
  async recordPage(
    filter: TrainingRecordFilterInput,
    identity: Identity,
    args: PageArgs,
    paging: PagingConfig,
  ) {
    return this.records.page(
      { ...filter, staffMemberIds: await staffIdsInScope(this.staff, identity) },
      args,
      paging,
    );
  }

  /** A page of one person's training records, newest first. */
  recordsOf(staffMemberId: string, args: PageArgs, paging: PagingConfig) {
    return this.records.page({ staffMemberId }, args, paging);
  }

  /** The active mandatory courses required for a position. */
  requiredCourses(position: string): Promise<TrainingCourseDocument[]> {
    return this.courses.requiredFor(position);
  }

  /**
   * Stores the person's training completion rate computed from their records: the share of the mandatory
   * courses of their position with a completion that has not expired at `now`.
   */
  async refreshCompletionRate(
    staffMember: StaffMemberDocument,
    now = new Date(),
  ): Promise<StaffMemberDocument> {
    const required = (await this.requiredCourses(staffMember.position)).map((course) => course.id);
    let rate = 0;
    if (required.length > 0) {
      const done = await this.records.completedUnexpiredCourseIds(staffMember.id, required, now);
      rate = Math.round((done.length / required.length) * 10_000) / 100;
    }
    await this.staff.setTrainingCompletionRate(staffMember.id, rate);
    return { ...staffMember, training_completion_rate: rate };
  }

  /**
   * Records an assessed attempt at a course. Every prerequisite must have a completion that was current on
   * `completedAt`. At or above the passing score the record is completed (expiring `validityMonths` after
   * `completedAt`, or already expired when that is past); below it, failed. An open record of the course
   * (enrolled, in progress or failed) takes the attempt; otherwise a new record is added. The person's
   * training completion rate is recomputed from the records.
   */
  async recordCompletion(
    rawInput: RecordTrainingCompletionInput,
    now = new Date(),
  ): Promise<{ before: TrainingRecordDocument | null; after: TrainingRecordDocument }> {
    const input = validateInput(recordCompletionSchema, rawInput);
    const staffMember = await this.staff.findById(input.staffMemberId);
    if (!staffMember) throw notFound('StaffMember', input.staffMemberId);
    if (staffMember.employment_status === 'terminated') {
      throw badUserInput('input.staffMemberId', 'is terminated');
    }
    if (input.completedAt.getTime() < staffMember.hire_date.getTime()) {
      throw badUserInput('input.completedAt', 'is before the hire date');
    }
    const course = await this.courses.findById(input.courseId);
    if (!course) throw badUserInput('input.courseId', 'is not an existing course');
    if (!course.is_active) throw badUserInput('input.courseId', 'is not an active course');
    await this.checkPrerequisites(staffMember.id, course, input.completedAt);

    const passed = input.score >= course.passing_score;
    const expiresAt =
      passed && course.validity_months
        ? this.local.plusMonths(input.completedAt, course.validity_months)
        : null;
    const status: TrainingRecordDocument['status'] = !passed
      ? 'failed'
      : expiresAt !== null && expiresAt.getTime() <= now.getTime()
        ? 'expired'
        : 'completed';
    const outcome: TrainingOutcome = {
      status,
      score: input.score,
      completed_at: passed ? input.completedAt : null,
      expires_at: expiresAt,
    };

    if (passed) {
      const same = await this.records.hasCompletionAt(staffMember.id, course.id, input.completedAt);
      if (same) throw conflict('this completion is already recorded', 'input.completedAt');
    }
    const open = await this.records.latestOpen(staffMember.id, course.id);
    let after: TrainingRecordDocument | null = null;
    if (open) {
      after = await this.records.recordAttempt(open, outcome);
      if (!after) throw conflict('the training record was changed meanwhile; try again', 'input.courseId');
    } else {
      after = {
        id: newId(),
        staff_member_id: staffMember.id,
        course_id: course.id,
        started_at: input.completedAt,
        attempts: 1,
        created_at: now,
        ...outcome,
      };
      await this.records.insert(after);
    }
    await this.refreshCompletionRate(staffMember, now);
    return { before: open, after };
  }

  private async checkPrerequisites(
    staffMemberId: string,
    course: TrainingCourseDocument,
    at: Date,
  ): Promise<void> {
    if (course.prerequisites.length === 0) return;
    const done = new Set(await this.records.currentCourseIdsAt(staffMemberId, course.prerequisites, at));
    const missing = course.prerequisites.filter((id) => !done.has(id));
    if (missing.length === 0) return;
    const names = await this.courses.namesOf(missing);
    const named = names.length > 0 ? names.join(', ') : missing.join(', ');
    throw badUserInput('input.courseId', `needs a current completion of the prerequisite ${named} first`);
  }

  /**
   * Active staff of a department lacking a current completion (at `now`) of a mandatory course of their
   * position, by last name, each with the courses and when the latest completion expired (null: never done).
   */
  async overdue(rawDepartment: string, now = new Date()): Promise<OverdueTrainingEntry[]> {
    const department = departmentSchema.safeParse(rawDepartment);
    if (!department.success) throw badUserInput('department', department.error.issues[0]!.message);
    const mandatory = await this.courses.activeMandatory();
    if (mandatory.length === 0) return [];
    const positions = [...new Set(mandatory.flatMap((course) => course.required_for_positions))];
    const staff = await this.staff.activeInDepartmentWithPositions(department.data as Department, positions);
    if (staff.length === 0) return [];
    // per person and course: whether a completion is current, and when the latest one expires
    const completions = await this.records.completionSummaries(
      staff.map((s) => s.id),
      mandatory.map((c) => c.id),
      now,
    );
    const byPair = new Map(completions.map((row) => [`${row._id.s}|${row._id.c}`, row]));
    const result: OverdueTrainingEntry[] = [];
    for (const staffMember of staff) {
      const courses: OverdueCourseEntry[] = [];
      for (const course of mandatory) {
        if (!course.required_for_positions.includes(staffMember.position)) continue;
        const row = byPair.get(`${staffMember.id}|${course.id}`);
        if (row?.current) continue;
        courses.push({ course, expiredAt: row?.latestExpiry ?? null });
      }
      if (courses.length > 0) result.push({ staffMember, courses });
    }
    return result;
  }
}
