import type { Faker } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import { ensureIndexes, insertInBatches } from '@casino/mongo';
import { WORKFORCE_INDEXES } from './indexes';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import { PERFORMANCE_REVIEWS } from './reviews/performance-review-store';
import {
  COURSE_SPECS,
  DEPARTMENT_SPECS,
  GENERAL_MANAGER,
  HR_MANAGER,
  ANSWER_RIGHT,
  ANSWERS_WRONG,
  QUESTION_TEMPLATES,
  RELATIONSHIPS,
  REVIEW_IMPROVEMENTS,
  REVIEW_STRENGTHS,
} from './seed-catalog';
import type { PositionSpec } from './seed-catalog';
import { DEFAULT_WORKFORCE_SETTINGS } from './settings';
import type { Department } from './staff/departments';
import { sealSalary } from './staff/salary';
import { STAFF_MEMBERS } from './staff/staff-store';
import type { EmploymentStatus, StaffMemberDocument } from './staff/staff-store';
import { trainingCompletionRate } from './training/completion';
import { isRequiredFor, TRAINING_COURSES } from './training/course-store';
import type { TrainingCourseDocument } from './training/course-store';
import { TRAINING_RECORDS } from './training/training-record-store';
import type { TrainingRecordDocument, TrainingRecordStatus } from './training/training-record-store';
import { DAY_MS, LocalTime } from '@casino/config';

/** What other subgraphs' seeds need to know about each demo staff member (compliance links admins to them). */
export interface SeededStaffMember {
  id: string;
  department: string;
  email: string;
  firstName: string;
  lastName: string;
  position: string;
  /** Employment status is active (loyalty makes only active staff members hosts) */
  active: boolean;
}

export interface WorkforceSeedResult {
  staff: SeededStaffMember[];
  /** How many training records and performance reviews were written */
  trainingRecords: number;
  performanceReviews: number;
}

export interface WorkforceSeedOptions {
  faker: Faker;
  now: Date;
  /** Admin accounts (compliance) that created the training courses */
  adminIds: string[];
  /** Seals salaries exactly as the service does (they are stored only encrypted) */
  protector: FieldProtector;
  /** Defaults to the subgraph's default review interval */
  reviewIntervalMonths?: number;
  /**
   * The property's IANA time zone (PROPERTY_TIME_ZONE): due dates, expiry dates and day offsets follow its
   * calendar, as the services compute them. Defaults to the subgraph's default (UTC)
   */
  timeZone?: string;
  /** Multiplies the head count of every position below the department heads (default 1: about 120 staff) */
  staffScale?: number;
}

const YEAR_MS = 365 * DAY_MS;
const EMAIL_DOMAIN = 'staff.grandcasino.example';
/** Reviews kept per person: the most recent ones */
const REVIEW_HISTORY = 3;

const STATUS_WEIGHTS: { weight: number; value: EmploymentStatus }[] = [
  { weight: 88, value: 'active' },
  { weight: 7, value: 'inactive' },
  { weight: 5, value: 'terminated' },
];

type Outcome = 'completed' | 'in_progress' | 'enrolled' | 'failed';
const OUTCOME_WEIGHTS: { weight: number; value: Outcome }[] = [
  { weight: 84, value: 'completed' },
  { weight: 6, value: 'in_progress' },
  { weight: 5, value: 'enrolled' },
  { weight: 5, value: 'failed' },
];

const latest = (dates: Date[]): Date => new Date(Math.max(...dates.map((d) => d.getTime())));
const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/**
 * Fills workforce's collections with believable, deterministic demo data (given a seeded faker): about 120
 * staff in a two-level hierarchy under the general manager, the course catalogue, training records whose
 * completions give each person's training completion rate, and yearly performance reviews whose latest
 * scores are the person's scores.
 */
export async function seedWorkforce(db: Db, options: WorkforceSeedOptions): Promise<WorkforceSeedResult> {
  const { faker, now } = options;
  const interval = options.reviewIntervalMonths ?? DEFAULT_WORKFORCE_SETTINGS.reviewIntervalMonths;
  const local = new LocalTime(options.timeZone ?? DEFAULT_WORKFORCE_SETTINGS.timeZone);
  await ensureIndexes(db, WORKFORCE_INDEXES);

  const courses = seedCourses(faker, now, options.adminIds);
  const staff = seedStaff(faker, now, options.staffScale ?? 1, options.protector);
  const records: TrainingRecordDocument[] = [];
  const reviews: PerformanceReviewDocument[] = [];
  const reviewerOfTopManager = staff.find((s) => s.position === HR_MANAGER)!;

  for (const person of staff) {
    const own = seedTrainingRecords(faker, now, local, person, courses);
    records.push(...own);
    person.training_completion_rate = trainingCompletionRate(person.position, courses, own);

    const reviewerId = person.manager_id ?? reviewerOfTopManager.id;
    const history = seedReviews(faker, now, local, person, reviewerId, interval);
    reviews.push(...history);
    const last = history.at(-1);
    if (last) {
      person.performance_score = last.performance_score;
      person.commitment_score = last.commitment_score;
      person.last_performance_review = last.created_at;
      person.next_review_due = local.plusMonths(last.review_period_end, interval);
    } else {
      person.next_review_due = local.plusMonths(person.hire_date, interval);
    }
    person.last_updated = latest([
      person.created_at,
      ...own.map((r) => r.completed_at ?? r.started_at),
      ...history.map((r) => r.created_at),
    ]);
  }

  await insertInBatches(db, TRAINING_COURSES, courses);
  await insertInBatches(db, STAFF_MEMBERS, staff);
  await insertInBatches(db, TRAINING_RECORDS, records);
  await insertInBatches(db, PERFORMANCE_REVIEWS, reviews);

  return {
    staff: staff.map((s) => ({
      id: s.id,
      department: s.department,
      email: s.email,
      firstName: s.first_name,
      lastName: s.last_name,
      position: s.position,
      active: s.employment_status === 'active',
    })),
    trainingRecords: records.length,
    performanceReviews: reviews.length,
  };
}

function seedCourses(faker: Faker, now: Date, adminIds: string[]): TrainingCourseDocument[] {
  const idByKey = new Map<string, string>();
  return COURSE_SPECS.map((spec) => {
    const id = faker.string.uuid();
    idByKey.set(spec.key, id);
    // the training programme started five to eight years ago
    const createdAt = faker.date.between({
      from: now.getTime() - 8 * YEAR_MS,
      to: now.getTime() - 5 * YEAR_MS,
    });
    return {
      id,
      course_name: spec.name,
      description: spec.description,
      category: spec.category,
      difficulty_level: spec.difficulty,
      duration_hours: spec.hours,
      required_for_positions: spec.requiredFor,
      prerequisites: spec.prerequisites.map((key) => idByKey.get(key)!),
      content_modules: spec.modules,
      assessment_questions: spec.modules.map((module) => {
        const options = faker.helpers.shuffle([ANSWER_RIGHT, ...ANSWERS_WRONG]);
        return {
          module,
          question: faker.helpers.arrayElement(QUESTION_TEMPLATES)(module.toLowerCase()),
          options,
          answerIndex: options.indexOf(ANSWER_RIGHT),
          points: faker.helpers.arrayElement([1, 2, 5]),
        };
      }),
      passing_score: spec.passingScore,
      validity_months: spec.validityMonths,
      is_mandatory: spec.requiredFor.length > 0,
      created_by: adminIds.length > 0 ? faker.helpers.arrayElement(adminIds) : null,
      is_active: spec.isActive,
      created_at: createdAt,
      last_updated: faker.date.between({ from: createdAt, to: now }),
    };
  });
}

function seedStaff(faker: Faker, now: Date, scale: number, protector: FieldProtector): StaffMemberDocument[] {
  const staff: StaffMemberDocument[] = [];
  const usedEmails = new Set<string>();
  const yearsAgo = (years: number) => now.getTime() - years * YEAR_MS;

  const hire = (
    department: Department,
    position: Omit<PositionSpec, 'count'>,
    managerId: string | null,
    hireDate: Date,
    status: EmploymentStatus,
  ): StaffMemberDocument => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let email: string;
    do email = faker.internet.email({ firstName, lastName, provider: EMAIL_DOMAIN }).toLowerCase();
    while (usedEmails.has(email));
    usedEmails.add(email);
    const [minSalary, maxSalary] = position.salary;
    const id = faker.string.uuid();
    const salary = (faker.number.int({ min: minSalary / 100, max: maxSalary / 100 }) * 100).toFixed(2);
    const member: StaffMemberDocument = {
      id,
      employee_id: `EMP-${String(1001 + staff.length)}`,
      first_name: firstName,
      last_name: lastName,
      email,
      phone: faker.phone.number({ style: 'international' }),
      position: position.title,
      department,
      hire_date: hireDate,
      salary: sealSalary(protector, salary, id),
      manager_id: managerId,
      employment_status: status,
      skills: faker.helpers.arrayElements(position.skills, {
        min: 2,
        max: Math.min(4, position.skills.length),
      }),
      certifications: faker.helpers.arrayElements(position.certifications, {
        min: 0,
        max: position.certifications.length,
      }),
      performance_score: 0,
      commitment_score: 0,
      training_completion_rate: 0,
      last_performance_review: null,
      next_review_due: null,
      emergency_contact: {
        name: faker.person.fullName(),
        relationship: faker.helpers.arrayElement(RELATIONSHIPS),
        phone: faker.phone.number({ style: 'international' }),
      },
      created_at: hireDate,
      last_updated: hireDate,
    };
    staff.push(member);
    return member;
  };

  const management = DEPARTMENT_SPECS.find((d) => d.department === 'Management')!;
  const generalManager = hire(
    'Management',
    management.head,
    null,
    faker.date.between({ from: yearsAgo(20), to: yearsAgo(15) }),
    'active',
  );
  for (const spec of DEPARTMENT_SPECS) {
    const head =
      spec.head.title === GENERAL_MANAGER
        ? generalManager
        : hire(
            spec.department,
            spec.head,
            generalManager.id,
            faker.date.between({ from: yearsAgo(15), to: yearsAgo(6) }),
            'active',
          );
    for (const position of spec.positions) {
      for (let i = 0; i < Math.round(position.count * scale); i++) {
        hire(
          spec.department,
          position,
          head.id,
          faker.date.between({ from: yearsAgo(12), to: now.getTime() - 30 * DAY_MS }),
          faker.helpers.weightedArrayElement(STATUS_WEIGHTS),
        );
      }
    }
  }
  return staff;
}

/**
 * One record per course taken, in catalogue order so prerequisites are completed before the courses that
 * need them start. A renewable course may also have the earlier completion that has since expired.
 */
function seedTrainingRecords(
  faker: Faker,
  now: Date,
  local: LocalTime,
  person: StaffMemberDocument,
  courses: TrainingCourseDocument[],
): TrainingRecordDocument[] {
  const records: TrainingRecordDocument[] = [];
  const firstCompletion = new Map<string, Date>();
  const latestStart = local.plusDays(now, -2).getTime();

  for (const course of courses) {
    const required = isRequiredFor(course, person.position);
    if (!faker.datatype.boolean(required ? 0.97 : 0.12)) continue;
    const prerequisitesDone = course.prerequisites.map((id) => firstCompletion.get(id));
    if (prerequisitesDone.some((done) => done === undefined)) continue;
    const earliest = latest([person.hire_date, course.created_at, ...(prerequisitesDone as Date[])]);
    if (earliest.getTime() >= latestStart) continue;

    const record = (
      status: TrainingRecordStatus,
      startedAt: Date,
      fields: Partial<TrainingRecordDocument>,
    ): TrainingRecordDocument => ({
      id: faker.string.uuid(),
      staff_member_id: person.id,
      course_id: course.id,
      status,
      score: null,
      started_at: startedAt,
      completed_at: null,
      expires_at: null,
      attempts: 0,
      created_at: startedAt,
      ...fields,
    });
    const passingScore = () => faker.number.int({ min: course.passing_score, max: 100 });
    const passAttempts = () =>
      faker.helpers.weightedArrayElement([
        { weight: 80, value: 1 },
        { weight: 15, value: 2 },
        { weight: 5, value: 3 },
      ]);
    /** A completion on `completedAt`, started up to four weeks before it but not before `from` */
    const completion = (from: Date, completedAt: Date) => {
      const startedAt = faker.date.between({
        from: later(from, local.plusDays(completedAt, -28)),
        to: completedAt,
      });
      const expiresAt = course.validity_months ? local.plusMonths(completedAt, course.validity_months) : null;
      const expired = expiresAt !== null && expiresAt.getTime() <= now.getTime();
      return record(expired ? 'expired' : 'completed', startedAt, {
        score: passingScore(),
        completed_at: completedAt,
        expires_at: expiresAt,
        attempts: passAttempts(),
      });
    };

    const outcome = faker.helpers.weightedArrayElement(OUTCOME_WEIGHTS);
    if (outcome === 'enrolled' || outcome === 'in_progress') {
      const from = later(earliest, local.plusDays(now, outcome === 'enrolled' ? -45 : -120));
      records.push(record(outcome, faker.date.between({ from, to: latestStart }), {}));
      continue;
    }
    if (outcome === 'failed') {
      const attempts = faker.number.int({ min: 1, max: 3 });
      const score = faker.number.int({
        min: Math.max(0, course.passing_score - 35),
        max: course.passing_score - 1,
      });
      records.push(
        record('failed', faker.date.between({ from: earliest, to: latestStart }), { attempts, score }),
      );
      continue;
    }

    const validity = course.validity_months;
    const renewalWindowStart = validity ? local.plusMonths(now, -validity) : null;
    const lapsed = validity !== null && faker.datatype.boolean(0.12);
    const earliestCompletion = local.plusDays(earliest, 1);
    if (lapsed && renewalWindowStart && earliestCompletion < renewalWindowStart) {
      const completedAt = faker.date.between({ from: earliestCompletion, to: renewalWindowStart });
      records.push(completion(earliest, completedAt));
      firstCompletion.set(course.id, completedAt);
      continue;
    }
    const windowStart = renewalWindowStart
      ? later(earliestCompletion, local.plusDays(renewalWindowStart, 1))
      : earliestCompletion;
    if (windowStart.getTime() >= now.getTime()) continue;
    const completedAt = faker.date.between({ from: windowStart, to: now });
    const current = completion(earliest, completedAt);
    let first = completedAt;
    // the completion this one renewed, when the person was already here for it
    if (validity && faker.datatype.boolean(0.5)) {
      const previousCompletedAt = local.plusDays(
        local.plusMonths(completedAt, -validity),
        -faker.number.int({ min: 1, max: 30 }),
      );
      if (previousCompletedAt.getTime() > earliestCompletion.getTime()) {
        records.push(completion(earliest, previousCompletedAt));
        first = previousCompletedAt;
      }
    }
    records.push(current);
    firstCompletion.set(course.id, first);
  }
  return records;
}

/** Reviews at the end of each review period since the hire date, keeping the most recent few. */
function seedReviews(
  faker: Faker,
  now: Date,
  local: LocalTime,
  person: StaffMemberDocument,
  reviewerId: string,
  interval: number,
): PerformanceReviewDocument[] {
  const reviews: PerformanceReviewDocument[] = [];
  const basePerformance = faker.number.float({ min: 55, max: 95, fractionDigits: 1 });
  const baseCommitment = faker.number.float({ min: 55, max: 98, fractionDigits: 1 });
  const score = (base: number) =>
    Math.round(Math.min(100, Math.max(0, base + faker.number.float({ min: -8, max: 8 }))) * 10) / 10;
  const cutOff = local.plusDays(now, -7).getTime();
  let periodStart = person.hire_date;
  for (let periodEnd = local.plusMonths(periodStart, interval); periodEnd.getTime() <= cutOff;) {
    const createdAt = faker.date.between({
      from: periodEnd,
      to: Math.min(now.getTime(), local.plusDays(periodEnd, 21).getTime()),
    });
    const performance = score(basePerformance);
    reviews.push({
      id: faker.string.uuid(),
      staff_member_id: person.id,
      reviewer_id: reviewerId,
      review_period_start: periodStart,
      review_period_end: periodEnd,
      performance_score: performance,
      commitment_score: score(baseCommitment),
      strengths: faker.helpers.arrayElements(REVIEW_STRENGTHS, { min: 1, max: 3 }),
      improvements: faker.helpers.arrayElements(REVIEW_IMPROVEMENTS, { min: 1, max: 2 }),
      comments:
        performance >= 85
          ? `${person.first_name} exceeded expectations this period and is ready for more responsibility.`
          : performance >= 70
            ? `${person.first_name} met expectations; keep building on the strengths noted.`
            : `${person.first_name} needs support to meet expectations; agreed a development plan.`,
      created_at: createdAt,
    });
    periodStart = periodEnd;
    periodEnd = local.plusMonths(periodStart, interval);
  }
  return reviews.slice(-REVIEW_HISTORY);
}
