import { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { badUserInput, conflict, emailAddress, notFound, phoneNumber, validateInput } from '@casino/errors';
import { duplicateKeyField, isNegativeMoney, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Identity } from '@casino/auth';
import type { FieldProtector } from '@casino/crypto';
import type { WorkforceSettings } from '../settings';
import { departmentSchema } from './departments';
import { scopedStaffFilter } from './scope';
import type { StaffMemberDocument, StaffMemberFilterInput, StaffMemberStore } from './staff-store';
import { isInChainAbove } from './hierarchy';
import { sealSalary } from './salary';
import { LocalTime } from '@casino/config';
import { STAFF_RULES } from '../settings';

const name = z.string().trim().min(1, 'is required').max(100, 'is too long');
const label = z.string().trim().min(1, 'must not be empty').max(100, 'is too long');

const createStaffMemberSchema = z.object({
  employeeId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{3,20}$/, 'must be 3 to 20 letters, digits or dashes')
    .transform((id) => id.toUpperCase()),
  firstName: name,
  lastName: name,
  email: emailAddress,
  phone: phoneNumber,
  position: z.string().trim().min(2, 'is required').max(100, 'is too long'),
  department: departmentSchema,
  /** At most STAFF_RULES.maxDaysHiredAhead local days ahead: checked where the property's zone is known */
  hireDate: z.date(),
  salary: z
    .instanceof(Decimal128, { error: 'must be a money amount' })
    .refine((amount) => !isNegativeMoney(amount), 'must not be negative'),
  managerId: z.string().trim().min(1, 'must not be empty').nullish(),
  skills: z.array(label).max(STAFF_RULES.maxListEntries, 'has too many entries').nullish(),
  certifications: z.array(label).max(STAFF_RULES.maxListEntries, 'has too many entries').nullish(),
  emergencyContact: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).nullish(),
});

const updateStaffMemberSchema = z.object({
  id: z.string().trim().min(1, 'is required'),
  firstName: name.optional(),
  lastName: name.optional(),
  email: createStaffMemberSchema.shape.email.optional(),
  phone: createStaffMemberSchema.shape.phone.optional(),
  position: createStaffMemberSchema.shape.position.optional(),
  department: departmentSchema.optional(),
  salary: createStaffMemberSchema.shape.salary.optional(),
  managerId: z.string().trim().min(1, 'must not be empty').nullable().optional(),
  employmentStatus: z.enum(['active', 'inactive', 'terminated']).optional(),
  skills: createStaffMemberSchema.shape.skills.unwrap().unwrap().optional(),
  certifications: createStaffMemberSchema.shape.certifications.unwrap().unwrap().optional(),
  emergencyContact: createStaffMemberSchema.shape.emergencyContact.unwrap().unwrap().optional(),
});

/** As the GraphQL input arrives: nulls where a field is not nullable are refused by the validation. */
export type UpdateStaffMemberInput = { id: string } & { [field: string]: unknown };

/** The stored fields each input field changes. */
const UPDATABLE: Record<string, keyof StaffMemberDocument> = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  position: 'position',
  department: 'department',
  salary: 'salary',
  managerId: 'manager_id',
  employmentStatus: 'employment_status',
  skills: 'skills',
  certifications: 'certifications',
  emergencyContact: 'emergency_contact',
};

/** What an update did, for the audit trail. */
export interface StaffMemberChange {
  before: StaffMemberDocument;
  after: StaffMemberDocument;
}

/** The department arrives as free text and is checked against the known departments. */
export type CreateStaffMemberInput = Omit<z.input<typeof createStaffMemberSchema>, 'department'> & {
  department: string;
};

const FIELD_NAMES: Record<string, string> = { employee_id: 'input.employeeId', email: 'input.email' };

export class StaffMemberService {
  private readonly local: LocalTime;

  constructor(
    private readonly staff: StaffMemberStore,
    private readonly settings: WorkforceSettings,
    /** Seals the salary: it is stored only encrypted */
    private readonly protector: FieldProtector,
    /** Recomputes a person's training completion rate (after a change of position) */
    private readonly refreshTrainingRate: (staffMember: StaffMemberDocument) => Promise<StaffMemberDocument>,
  ) {
    this.local = new LocalTime(settings.timeZone);
  }

  /** A page of staff, newest first; a Manager or Supervisor reads only their own department (else FORBIDDEN). */
  page(filter: StaffMemberFilterInput, identity: Identity, args: PageArgs, paging: PagingConfig) {
    return this.staff.page(scopedStaffFilter(filter, identity), args, paging);
  }

  /**
   * Changes the given fields (an omitted field is kept; `managerId: null` removes the manager). A new manager
   * must exist and must not report to this person, directly or not (no cycle in the hierarchy).
   * `employmentStatus: terminated` terminates the employment. The write is guarded by `last_updated`, so a
   * concurrent change is refused as CONFLICT instead of being overwritten.
   */
  async update(rawInput: UpdateStaffMemberInput, now = new Date()): Promise<StaffMemberChange> {
    const input = validateInput(updateStaffMemberSchema, rawInput);
    const before = await this.staff.findById(input.id);
    if (!before) throw notFound('StaffMember', input.id);
    const set: Partial<StaffMemberDocument> = {};
    for (const [field, stored] of Object.entries(UPDATABLE)) {
      const value = input[field as keyof typeof input];
      if (value === undefined) continue;
      (set as Record<string, unknown>)[stored] =
        field === 'skills' || field === 'certifications'
          ? dedupe(value as string[])
          : field === 'salary'
            ? sealSalary(this.protector, value as Decimal128, before.id)
            : value;
    }
    if (Object.keys(set).length === 0) throw badUserInput('input', 'names no field to change');
    if (input.managerId != null && input.managerId !== before.manager_id) {
      await this.checkNewManager(before.id, input.managerId);
    }
    let after: StaffMemberDocument | null;
    try {
      after = await this.staff.updateUnlessChanged(before, set, now);
    } catch (error) {
      const field = duplicateKeyField(error);
      if (field === null) throw error;
      const named = FIELD_NAMES[field] ?? field;
      throw conflict(`a staff member with this ${named.replace('input.', '')} already exists`, named);
    }
    if (!after) throw conflict('the staff member was changed meanwhile; read it again and retry', 'input.id');
    if (after.position !== before.position) after = await this.refreshTrainingRate(after);
    return { before, after };
  }

  private async checkNewManager(id: string, managerId: string): Promise<void> {
    const field = 'input.managerId';
    if (managerId === id) throw badUserInput(field, 'a staff member cannot be their own manager');
    if (!(await this.staff.exists(managerId))) throw badUserInput(field, 'is not an existing staff member');
    if (await isInChainAbove(this.staff, managerId, id, this.settings.maxHierarchyDepth, field)) {
      throw badUserInput(field, 'reports to this staff member (directly or not): the hierarchy would loop');
    }
  }

  async create(rawInput: CreateStaffMemberInput, now = new Date()): Promise<StaffMemberDocument> {
    const input = validateInput(createStaffMemberSchema, rawInput);
    if (input.hireDate.getTime() > this.local.plusDays(now, STAFF_RULES.maxDaysHiredAhead).getTime()) {
      throw badUserInput('input.hireDate', `must be at most ${STAFF_RULES.maxDaysHiredAhead} days ahead`);
    }
    if (input.managerId && !(await this.staff.exists(input.managerId))) {
      throw badUserInput('input.managerId', 'is not an existing staff member');
    }
    const id = newId();
    const staffMember: StaffMemberDocument = {
      id,
      employee_id: input.employeeId,
      first_name: input.firstName,
      last_name: input.lastName,
      email: input.email,
      phone: input.phone,
      position: input.position,
      department: input.department,
      hire_date: input.hireDate,
      salary: sealSalary(this.protector, input.salary, id),
      manager_id: input.managerId ?? null,
      employment_status: 'active',
      skills: dedupe(input.skills ?? []),
      certifications: dedupe(input.certifications ?? []),
      performance_score: 0,
      commitment_score: 0,
      training_completion_rate: 0,
      last_performance_review: null,
      next_review_due: this.local.plusMonths(input.hireDate, this.settings.reviewIntervalMonths),
      emergency_contact: input.emergencyContact ?? {},
      created_at: now,
      last_updated: now,
    };
    try {
      await this.staff.insert(staffMember);
      return staffMember;
    } catch (error) {
      const field = duplicateKeyField(error);
      if (field === null) throw error;
      const named = FIELD_NAMES[field] ?? field;
      throw conflict(`a staff member with this ${named.replace('input.', '')} already exists`, named);
    }
  }
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}
