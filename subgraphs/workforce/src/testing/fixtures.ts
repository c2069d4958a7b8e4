import { generateKeySpec, protectorFromEnv } from '@casino/crypto';
import type { FieldProtector } from '@casino/crypto';
import type { Identity } from '@casino/auth';
import { testIdentity } from '@casino/testing';
import { randomBytes } from 'node:crypto';
import type { Department } from '../staff/departments';
import { sealSalary } from '../staff/salary';
import type { StaffMemberDocument } from '../staff/staff-store';
import type { TrainingCourseDocument } from '../training/course-store';
import type { TrainingRecordDocument } from '../training/training-record-store';

/** Documents and identities shared by the workforce tests. */

export const adminIdentity = (
  userId: string,
  role: 'GeneralAdmin' | 'Manager' | 'Supervisor',
  department: string | null,
): Identity => testIdentity(role, { userId, username: `test-${userId}`, department });

export const GAMING_MANAGER = adminIdentity('00000000-0000-4000-8000-0000000000c2', 'Manager', 'Gaming');
export const GAMING_SUPERVISOR = adminIdentity(
  '00000000-0000-4000-8000-0000000000c3',
  'Supervisor',
  'Gaming',
);
export const FNB_MANAGER = adminIdentity('00000000-0000-4000-8000-0000000000c4', 'Manager', 'F&B');
export const FNB_SUPERVISOR = adminIdentity('00000000-0000-4000-8000-0000000000c5', 'Supervisor', 'F&B');

export const FIXTURE_TIME = new Date('2026-01-01T00:00:00.000Z');
let employeeNumber = 0;

/**
 * The protector fixtures seal salaries with when a test does not pass its harness's (`harness.protector`):
 * a fixture stored through another harness must be sealed with that harness's keys to read back.
 */
let fixtureProtector: FieldProtector | undefined;
export function useFixtureProtector(protector: FieldProtector | undefined): void {
  fixtureProtector = protector;
}
const defaultProtector = () =>
  (fixtureProtector ??= protectorFromEnv({
    DATA_ENCRYPTION_KEYS: generateKeySpec('fixture'),
    DATA_ENCRYPTION_KEY_ID: 'fixture',
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  }));

export function staffDoc(
  id: string,
  firstName: string,
  department: Department,
  managerId: string | null,
  changes: Partial<StaffMemberDocument> & { salaryText?: string } = {},
): StaffMemberDocument {
  employeeNumber += 1;
  const { salaryText = '50000.00', ...rest } = changes;
  return {
    id,
    employee_id: `EMP-${5000 + employeeNumber}`,
    first_name: firstName,
    last_name: `${firstName}son`,
    email: `${firstName.toLowerCase()}.${employeeNumber}@casino.example`,
    phone: '+94 77 000 0000',
    position: 'Dealer',
    department,
    hire_date: new Date('2020-01-01T00:00:00.000Z'),
    salary: sealSalary(defaultProtector(), salaryText, id),
    manager_id: managerId,
    employment_status: 'active',
    skills: [],
    certifications: [],
    performance_score: 0,
    commitment_score: 0,
    training_completion_rate: 0,
    last_performance_review: null,
    next_review_due: null,
    emergency_contact: {},
    created_at: FIXTURE_TIME,
    last_updated: FIXTURE_TIME,
    ...rest,
  };
}

export function courseDoc(
  id: string,
  name: string,
  changes: Partial<TrainingCourseDocument> = {},
): TrainingCourseDocument {
  return {
    id,
    course_name: name,
    description: '',
    category: 'compliance',
    difficulty_level: 'beginner',
    duration_hours: 2,
    required_for_positions: [],
    prerequisites: [],
    content_modules: [],
    assessment_questions: [],
    passing_score: 70,
    validity_months: null,
    is_mandatory: false,
    created_by: null,
    is_active: true,
    created_at: FIXTURE_TIME,
    last_updated: FIXTURE_TIME,
    ...changes,
  };
}

export function recordDoc(
  id: string,
  staffMemberId: string,
  courseId: string,
  changes: Partial<TrainingRecordDocument> = {},
): TrainingRecordDocument {
  return {
    id,
    staff_member_id: staffMemberId,
    course_id: courseId,
    status: 'completed',
    score: 90,
    started_at: FIXTURE_TIME,
    completed_at: FIXTURE_TIME,
    expires_at: null,
    attempts: 1,
    created_at: FIXTURE_TIME,
    ...changes,
  };
}
