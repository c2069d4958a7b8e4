import type { Db, Document, Filter, IndexDescription } from 'mongodb';
import { CollectionStore, equalityFilter } from '@casino/mongo';
import { STAFF_MEMBERS } from '../staff/staff-store';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type TrainingRecordStatus = 'enrolled' | 'in_progress' | 'completed' | 'failed' | 'expired';

export interface TrainingRecordDocument {
  id: string;
  staff_member_id: string;
  course_id: string;
  status: TrainingRecordStatus;
  /** 0-100; null until assessed */
  score: number | null;
  started_at: Date;
  completed_at: Date | null;
  /** null for courses whose completion never expires */
  expires_at: Date | null;
  attempts: number;
  created_at: Date;
}

export interface TrainingRecordFilterInput {
  staffMemberId?: string | null;
  /** Only records of these staff members (the caller's department); not part of the GraphQL filter */
  staffMemberIds?: string[];
  courseId?: string | null;
  status?: TrainingRecordStatus | null;
}

export const TRAINING_RECORDS = 'training_records';

export const trainingRecordIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { staff_member_id: 1, created_at: -1 }, name: 'staff_member_id_1_created_at_-1' },
  { key: { course_id: 1, status: 1 }, name: 'course_id_1_status_1' },
  { key: { status: 1 }, name: 'status_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

/** Records still open for another attempt: a new assessment updates them instead of adding a record. */
const OPEN_STATUSES: TrainingRecordStatus[] = ['enrolled', 'in_progress', 'failed'];

/** A current completion at `at`: completed, and not expired by then. */
const currentAt = (at: Date): Filter<TrainingRecordDocument> => ({
  status: { $in: ['completed', 'expired'] as TrainingRecordStatus[] },
  completed_at: { $lte: at },
  $or: [{ expires_at: null }, { expires_at: { $gt: at } }],
});

/** The outcome of an assessed attempt, as stored on its record. */
export type TrainingOutcome = Pick<
  TrainingRecordDocument,
  'status' | 'score' | 'completed_at' | 'expires_at'
>;

/** Per person and course: whether a completion is current, and when the latest one expires. */
export interface CompletionSummary {
  _id: { s: string; c: string };
  latestExpiry: Date | null;
  current: number;
}

/** Current mandatory completions of active staff: per department, and the people with all of theirs current. */
export interface DepartmentCompletions {
  pairs: { _id: string; n: number }[];
  complete: { _id: string; n: number }[];
}

/** The document field each key of the list filter matches (see equalityFilter). */
const TRAINING_RECORD_FILTER_FIELDS = { courseId: 'course_id', status: 'status' } as const;

export class TrainingRecordStore extends CollectionStore<TrainingRecordDocument> {
  constructor(db: Db) {
    super(db, TRAINING_RECORDS);
  }

  page(input: TrainingRecordFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<TrainingRecordDocument> = equalityFilter(input, TRAINING_RECORD_FILTER_FIELDS);
    if (input.staffMemberId || input.staffMemberIds) {
      filter.staff_member_id = {
        ...(input.staffMemberId ? { $eq: input.staffMemberId } : {}),
        ...(input.staffMemberIds ? { $in: input.staffMemberIds } : {}),
      };
    }
    return this.pageWhere(filter, args, paging);
  }

  async insert(record: TrainingRecordDocument): Promise<void> {
    await this.collection.insertOne({ ...record });
  }

  /** Which of `courseIds` the person has completed with the completion unexpired at `now`. */
  completedUnexpiredCourseIds(staffMemberId: string, courseIds: string[], now: Date): Promise<string[]> {
    return this.collection.distinct('course_id', {
      staff_member_id: staffMemberId,
      course_id: { $in: courseIds },
      status: 'completed',
      $or: [{ expires_at: null }, { expires_at: { $gt: now } }],
    });
  }

  /** Which of `courseIds` the person had a current completion of at `at` (completed by then, not expired). */
  currentCourseIdsAt(staffMemberId: string, courseIds: string[], at: Date): Promise<string[]> {
    return this.collection.distinct('course_id', {
      staff_member_id: staffMemberId,
      course_id: { $in: courseIds },
      ...currentAt(at),
    });
  }

  /** Whether a completion of this course dated exactly `completedAt` is already recorded for the person. */
  async hasCompletionAt(staffMemberId: string, courseId: string, completedAt: Date): Promise<boolean> {
    const same = await this.collection.findOne(
      { staff_member_id: staffMemberId, course_id: courseId, completed_at: completedAt },
      { projection: { _id: 0, id: 1 } },
    );
    return same !== null;
  }

  /** The person's latest record of the course still open for another attempt (enrolled, in progress, failed). */
  latestOpen(staffMemberId: string, courseId: string): Promise<TrainingRecordDocument | null> {
    return this.collection.findOne(
      { staff_member_id: staffMemberId, course_id: courseId, status: { $in: OPEN_STATUSES } },
      { sort: { created_at: -1 }, projection: { _id: 0 } },
    );
  }

  /**
   * Applies another attempt to an open record, guarded by its status and attempts as read, so two attempts
   * recorded at once do not both take it; null when it changed meanwhile.
   */
  recordAttempt(
    open: TrainingRecordDocument,
    outcome: TrainingOutcome,
  ): Promise<TrainingRecordDocument | null> {
    return this.collection.findOneAndUpdate(
      { id: open.id, status: open.status, attempts: open.attempts },
      { $set: outcome, $inc: { attempts: 1 } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** For each (person, course) with a completion: whether one is current at `now`, and the latest expiry. */
  completionSummaries(
    staffMemberIds: string[],
    courseIds: string[],
    now: Date,
  ): Promise<CompletionSummary[]> {
    return this.collection
      .aggregate<CompletionSummary>([
        {
          $match: {
            staff_member_id: { $in: staffMemberIds },
            course_id: { $in: courseIds },
            status: { $in: ['completed', 'expired'] },
          },
        },
        {
          $project: {
            staff_member_id: 1,
            course_id: 1,
            expires_at: 1,
            current: {
              $cond: [{ $or: [{ $eq: ['$expires_at', null] }, { $gt: ['$expires_at', now] }] }, 1, 0],
            },
          },
        },
        {
          $group: {
            _id: { s: '$staff_member_id', c: '$course_id' },
            latestExpiry: { $max: '$expires_at' },
            current: { $max: '$current' },
          },
        },
      ])
      .toArray();
  }

  /**
   * Current completions (unexpired at `now`) of mandatory courses by active staff whose position requires
   * them, optionally of one department: one per (person, course), counted per department; and the people
   * with all of theirs current.
   */
  async departmentCompletions(
    requiredByPosition: Map<string, string[]>,
    department: string | null,
    now: Date,
  ): Promise<DepartmentCompletions> {
    if (requiredByPosition.size === 0) return { pairs: [], complete: [] };
    const courseIds = [...new Set([...requiredByPosition.values()].flat())];
    const staffScope: Document = { 'staff.employment_status': 'active' };
    if (department) staffScope['staff.department'] = department;
    const [facets] = await this.collection
      .aggregate<DepartmentCompletions>([
        {
          $match: {
            course_id: { $in: courseIds },
            status: 'completed',
            $or: [{ expires_at: null }, { expires_at: { $gt: now } }],
          },
        },
        { $project: { _id: 0, staff_member_id: 1, course_id: 1 } },
        {
          $lookup: {
            from: STAFF_MEMBERS,
            localField: 'staff_member_id',
            foreignField: 'id',
            as: 'staff',
          },
        },
        { $unwind: '$staff' },
        { $match: staffScope },
        {
          $match: {
            $or: [...requiredByPosition].map(([position, ids]) => ({
              'staff.position': position,
              course_id: { $in: ids },
            })),
          },
        },
        {
          $group: {
            _id: { s: '$staff_member_id', c: '$course_id' },
            d: { $first: '$staff.department' },
            p: { $first: '$staff.position' },
          },
        },
        { $group: { _id: { s: '$_id.s', d: '$d', p: '$p' }, n: { $sum: 1 } } },
        {
          $facet: {
            pairs: [{ $group: { _id: '$_id.d', n: { $sum: '$n' } } }],
            complete: [
              {
                $match: {
                  $or: [...requiredByPosition].map(([position, ids]) => ({
                    '_id.p': position,
                    n: ids.length,
                  })),
                },
              },
              { $group: { _id: '$_id.d', n: { $sum: 1 } } },
            ],
          },
        },
      ])
      .toArray();
    return facets ?? { pairs: [], complete: [] };
  }
}
