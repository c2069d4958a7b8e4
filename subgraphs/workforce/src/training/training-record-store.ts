import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
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

export class TrainingRecordStore {
  readonly collection: Collection<TrainingRecordDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TrainingRecordDocument>(TRAINING_RECORDS);
  }

  page(input: TrainingRecordFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<TrainingRecordDocument> = {};
    if (input.staffMemberId || input.staffMemberIds) {
      filter.staff_member_id = {
        ...(input.staffMemberId ? { $eq: input.staffMemberId } : {}),
        ...(input.staffMemberIds ? { $in: input.staffMemberIds } : {}),
      };
    }
    if (input.courseId) filter.course_id = input.courseId;
    if (input.status) filter.status = input.status;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
