import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { departmentSchema } from './departments';
import type { Department } from './departments';

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

export function staffMemberFilter(input: StaffMemberFilterInput): Filter<StaffMemberDocument> {
  const filter: Filter<StaffMemberDocument> = {};
  if (input.department != null) {
    const department = departmentSchema.safeParse(input.department);
    if (!department.success) throw badUserInput('filter.department', department.error.issues[0]!.message);
    filter.department = department.data;
  }
  if (input.employmentStatus) filter.employment_status = input.employmentStatus;
  if (input.position) filter.position = input.position;
  if (input.managerId) filter.manager_id = input.managerId;
  if (input.lastNamePrefix) filter.last_name = { $regex: `^${escapeRegex(input.lastNamePrefix)}` };
  return filter;
}

export class StaffMemberStore {
  readonly collection: Collection<StaffMemberDocument>;

  constructor(db: Db) {
    this.collection = db.collection<StaffMemberDocument>(STAFF_MEMBERS);
  }

  page(filter: StaffMemberFilterInput, args: PageArgs, paging: PagingConfig) {
    return paginate(
      this.collection,
      staffMemberFilter(filter),
      args,
      { field: 'created_at', direction: -1 },
      paging,
    );
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

  findById(id: string): Promise<StaffMemberDocument | null> {
    return this.collection.findOne({ id }, { projection: { _id: 0 } });
  }

  async insert(staffMember: StaffMemberDocument): Promise<void> {
    await this.collection.insertOne({ ...staffMember });
  }
}
