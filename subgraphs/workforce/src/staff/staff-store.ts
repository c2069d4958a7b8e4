import type DataLoader from 'dataloader';
import type { Db, Decimal128, Document, Filter, IndexDescription } from 'mongodb';
import { notSealedWithCurrentKey, resealBatch } from '@casino/crypto';
import type { FieldProtector, RotationProgress } from '@casino/crypto';
import { badUserInput } from '@casino/errors';
import { CollectionStore, createManyByKeyLoader, equalityFilter } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { departmentSchema } from './departments';
import type { Department } from './departments';
import { SALARY_FIELD, sealSalary } from './salary';

export type EmploymentStatus = 'active' | 'inactive' | 'terminated';

export interface StaffMemberDocument {
  id: string;
  employee_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  position: string;
  department: Department;
  hire_date: Date;
  /**
   * Sealed decimal text (`enc.v1.<keyId>...`, see `staff/salary.ts`): never a query filter, never logged,
   * opened only by `revealProtectedAmount` and the payroll figures
   */
  salary: string;
  manager_id: string | null;
  employment_status: EmploymentStatus;
  skills: string[];
  certifications: string[];
  /** 0-100, from the latest performance review */
  performance_score: number;
  /** 0-100, from the latest performance review */
  commitment_score: number;
  /** Percentage (0-100) of the courses required for the position with a current completion */
  training_completion_rate: number;
  last_performance_review: Date | null;
  next_review_due: Date | null;
  emergency_contact: Record<string, unknown>;
  created_at: Date;
  last_updated: Date;
}

export interface StaffMemberFilterInput {
  department?: string | null;
  employmentStatus?: EmploymentStatus | null;
  position?: string | null;
  managerId?: string | null;
  lastNamePrefix?: string | null;
}

export const STAFF_MEMBERS = 'staff_members';

export const staffMemberIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { employee_id: 1 }, name: 'employee_id_1', unique: true },
  { key: { email: 1 }, name: 'email_1', unique: true },
  { key: { department: 1 }, name: 'department_1' },
  { key: { employment_status: 1 }, name: 'employment_status_1' },
  { key: { manager_id: 1 }, name: 'manager_id_1' },
  { key: { position: 1 }, name: 'position_1' },
  { key: { last_name: 1 }, name: 'last_name_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The document field each key of the list filter matches (see equalityFilter). */
const STAFF_MEMBER_FILTER_FIELDS = {
  employmentStatus: 'employment_status',
  position: 'position',
  managerId: 'manager_id',
} as const;

export function staffMemberFilter(input: StaffMemberFilterInput): Filter<StaffMemberDocument> {
  const filter: Filter<StaffMemberDocument> = equalityFilter(input, STAFF_MEMBER_FILTER_FIELDS);
  if (input.department != null) {
    const department = departmentSchema.safeParse(input.department);
    if (!department.success) throw badUserInput('filter.department', department.error.issues[0]!.message);
    filter.department = department.data;
  }
  if (input.lastNamePrefix) filter.last_name = { $regex: `^${escapeRegex(input.lastNamePrefix)}` };
  return filter;
}

/** The staff side of the workforce dashboard, over the staff in scope. */
export interface StaffFacets {
  headcount: { _id: { d: string; s: EmploymentStatus }; n: number }[];
  scores: { _id: string; performance: number; commitment: number }[];
  scoresAll: { _id: null; performance: number; commitment: number }[];
  reviewsDue: { _id: string; n: number }[];
  positions: { _id: { d: string; p: string }; n: number }[];
}

/** The fields a new latest performance review sets on the person. */
export type LatestReviewFields = Pick<
  StaffMemberDocument,
  'performance_score' | 'commitment_score' | 'last_performance_review' | 'next_review_due' | 'last_updated'
>;

const activeScores = [{ $match: { employment_status: 'active', last_performance_review: { $ne: null } } }];

export class StaffMemberStore extends CollectionStore<StaffMemberDocument> {
  constructor(private readonly db: Db) {
    super(db, STAFF_MEMBERS);
  }

  /** Per request: direct reports keyed by their manager's id, by name. */
  directReportsLoader(): DataLoader<string, StaffMemberDocument[]> {
    return createManyByKeyLoader(this.collection, 'manager_id', {
      sort: { last_name: 1, first_name: 1, id: 1 },
    });
  }

  page(filter: StaffMemberFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.pageWhere(staffMemberFilter(filter), args, paging);
  }

  /** The ids of everyone in a department, to confine training records and reviews to it. */
  async idsInDepartment(department: string): Promise<string[]> {
    const found = await this.collection
      .find({ department: department as Department }, { projection: { _id: 0, id: 1 } })
      .toArray();
    return found.map((staffMember) => staffMember.id);
  }

  async exists(id: string): Promise<boolean> {
    const found = await this.collection.findOne({ id }, { projection: { _id: 0, id: 1 } });
    return found !== null;
  }

  /** The manager of a staff member (null at the top, or for an unknown id). */
  async managerIdOf(id: string): Promise<string | null> {
    const found = await this.collection.findOne({ id }, { projection: { _id: 0, manager_id: 1 } });
    return found?.manager_id ?? null;
  }

  async insert(staffMember: StaffMemberDocument): Promise<void> {
    await this.collection.insertOne({ ...staffMember });
  }

  /**
   * Writes `set` unless the person changed since `before` was read (guarded by `last_updated`): the
   * document after the write, or null when it changed meanwhile.
   */
  updateUnlessChanged(
    before: StaffMemberDocument,
    set: Partial<StaffMemberDocument>,
    now: Date,
  ): Promise<StaffMemberDocument | null> {
    return this.collection.findOneAndUpdate(
      { id: before.id, last_updated: before.last_updated },
      { $set: { ...set, last_updated: now } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  async setTrainingCompletionRate(id: string, rate: number): Promise<void> {
    await this.collection.updateOne({ id }, { $set: { training_completion_rate: rate } });
  }

  /** Takes the scores and review dates of a new latest review: the person after it (null if unknown). */
  applyLatestReview(id: string, fields: LatestReviewFields): Promise<StaffMemberDocument | null> {
    return this.collection.findOneAndUpdate(
      { id },
      { $set: fields },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** Active staff of a department holding one of `positions`, by name. */
  activeInDepartmentWithPositions(
    department: Department,
    positions: string[],
  ): Promise<StaffMemberDocument[]> {
    return this.collection
      .find(
        { department, employment_status: 'active', position: { $in: positions } },
        { projection: { _id: 0 }, sort: { last_name: 1, first_name: 1, id: 1 } },
      )
      .toArray();
  }

  /**
   * Headcount by department and status, average current scores of reviewed active staff, reviews due in
   * `[from, to)` and active staff per position, over one department or all (null).
   */
  async dashboardFacets(department: string | null, range: { from: Date; to: Date }): Promise<StaffFacets> {
    const scope: Document = department === null ? {} : { department };
    const [facets] = await this.collection
      .aggregate<StaffFacets>([
        { $match: scope },
        {
          $facet: {
            headcount: [{ $group: { _id: { d: '$department', s: '$employment_status' }, n: { $sum: 1 } } }],
            scores: [
              ...activeScores,
              {
                $group: {
                  _id: '$department',
                  performance: { $avg: '$performance_score' },
                  commitment: { $avg: '$commitment_score' },
                },
              },
            ],
            scoresAll: [
              ...activeScores,
              {
                $group: {
                  _id: null,
                  performance: { $avg: '$performance_score' },
                  commitment: { $avg: '$commitment_score' },
                },
              },
            ],
            reviewsDue: [
              {
                $match: {
                  employment_status: 'active',
                  next_review_due: { $gte: range.from, $lt: range.to },
                },
              },
              { $group: { _id: '$department', n: { $sum: 1 } } },
            ],
            positions: [
              { $match: { employment_status: 'active' } },
              { $group: { _id: { d: '$department', p: '$position' }, n: { $sum: 1 } } },
            ],
          },
        },
      ])
      .toArray();
    return facets!;
  }

  /**
   * The sealed salaries of active staff (of one department, or all), streamed: only `id` (the ciphertext is
   * bound to it), `department` and `salary` are read.
   */
  activeSalaries(
    department: string | null,
  ): AsyncIterable<Pick<StaffMemberDocument, 'id' | 'department' | 'salary'>> {
    const scope: Filter<StaffMemberDocument> = { employment_status: 'active' };
    if (department !== null) scope.department = department as Department;
    return this.collection.find(scope, { projection: { _id: 0, id: 1, department: 1, salary: 1 } });
  }

  /** Re-seals up to `batchSize` salaries not sealed with the current key (see `resealBatch`). */
  resealSalaries(protector: FieldProtector, batchSize: number): Promise<RotationProgress> {
    return resealBatch(this.db, SALARY_FIELD, protector, batchSize);
  }

  /** How many salaries are not sealed with the current key. */
  countSalariesNotSealedWith(keyId: string): Promise<number> {
    return this.collection.countDocuments(notSealedWithCurrentKey(SALARY_FIELD.field, keyId));
  }

  /**
   * Seals up to `limit` salaries stored as Decimal128 (written before salaries were encrypted), each with a
   * compare-and-set on the stored value; how many it sealed and how many remain.
   */
  async sealLegacySalaries(
    protector: FieldProtector,
    limit: number,
  ): Promise<{ resealed: number; remaining: number }> {
    const filter = { salary: { $type: 'decimal' } } as Filter<StaffMemberDocument>;
    const batch = await this.collection
      .find(filter, { projection: { _id: 0, id: 1, salary: 1 }, limit })
      .toArray();
    let resealed = 0;
    for (const doc of batch) {
      const stored = doc.salary as unknown as Decimal128;
      const result = await this.collection.updateOne(
        { id: doc.id, salary: stored } as Filter<StaffMemberDocument>,
        { $set: { salary: sealSalary(protector, stored, doc.id) } },
      );
      resealed += result.modifiedCount;
    }
    return { resealed, remaining: await this.collection.countDocuments(filter) };
  }
}
