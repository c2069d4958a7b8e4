import { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { badUserInput, conflict, validateInput } from '@casino/errors';
import { duplicateKeyField, isNegativeMoney, newId } from '@casino/mongo';
import type { WorkforceSettings } from '../settings';
import { departmentSchema } from './departments';
import { addMonths } from './review-schedule';
import type { StaffMemberDocument, StaffMemberStore } from './staff-store';

/** Named rules of hiring. */
export const STAFF_RULES = {
  /** A hire may be recorded ahead of the start date, but not further ahead than this */
  maxDaysHiredAhead: 180,
  maxListEntries: 50,
};

const DAY_MS = 86_400_000;
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
  email: z.email('is not a valid email address').transform((e) => e.toLowerCase()),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'is not a valid phone number'),
  position: z.string().trim().min(2, 'is required').max(100, 'is too long'),
  department: departmentSchema,
  hireDate: z
    .date()
    .refine(
      (d) => d.getTime() <= Date.now() + STAFF_RULES.maxDaysHiredAhead * DAY_MS,
      `must be at most ${STAFF_RULES.maxDaysHiredAhead} days ahead`,
    ),
  salary: z
    .instanceof(Decimal128, { error: 'must be a money amount' })
    .refine((amount) => !isNegativeMoney(amount), 'must not be negative'),
  managerId: z.string().trim().min(1, 'must not be empty').nullish(),
  skills: z.array(label).max(STAFF_RULES.maxListEntries, 'has too many entries').nullish(),
  certifications: z.array(label).max(STAFF_RULES.maxListEntries, 'has too many entries').nullish(),
  emergencyContact: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).nullish(),
});

/** The department arrives as free text and is checked against the known departments. */
export type CreateStaffMemberInput = Omit<z.input<typeof createStaffMemberSchema>, 'department'> & {
  department: string;
};

const FIELD_NAMES: Record<string, string> = { employee_id: 'input.employeeId', email: 'input.email' };

export class StaffMemberService {
  constructor(
    private readonly staff: StaffMemberStore,
    private readonly settings: WorkforceSettings,
  ) {}

  async create(rawInput: CreateStaffMemberInput, now = new Date()): Promise<StaffMemberDocument> {
    const input = validateInput(createStaffMemberSchema, rawInput);
    if (input.managerId && !(await this.staff.exists(input.managerId))) {
      throw badUserInput('input.managerId', 'is not an existing staff member');
    }
    const staffMember: StaffMemberDocument = {
      id: newId(),
      employee_id: input.employeeId,
      first_name: input.firstName,
      last_name: input.lastName,
      email: input.email,
      phone: input.phone,
      position: input.position,
      department: input.department,
      hire_date: input.hireDate,
      salary: input.salary,
      manager_id: input.managerId ?? null,
      employment_status: 'active',
      skills: dedupe(input.skills ?? []),
      certifications: dedupe(input.certifications ?? []),
      performance_score: 0,
      commitment_score: 0,
      training_completion_rate: 0,
      last_performance_review: null,
      next_review_due: addMonths(input.hireDate, this.settings.reviewIntervalMonths),
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
