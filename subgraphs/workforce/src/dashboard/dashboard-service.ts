import type { Decimal128 } from 'mongodb';
import type { DashboardCache } from '@casino/cache';
import { toMoney } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import { checkDashboardRange } from '@casino/graphql';
import type { WorkforceSettings } from '../settings';
import { DEPARTMENTS } from '../staff/departments';
import { averageCents, centsToMoney, openSalary, toCents } from '../staff/salary';
import type { EmploymentStatus, StaffMemberStore } from '../staff/staff-store';
import type { TrainingCourseStore } from '../training/course-store';
import type { TrainingRecordStore } from '../training/training-record-store';

export interface DateRange {
  from: Date;
  to: Date;
}

export interface WorkforceFigures {
  department: string | null;
  activeHeadcount: number;
  averagePerformanceScore: number | null;
  averageCommitmentScore: number | null;
  trainingCompletionRate: number | null;
  overdueTrainingCount: number;
  staffWithOverdueTraining: number;
  reviewsDueInRange: number;
}

export interface WorkforceDashboardData {
  from: Date;
  to: Date;
  headcount: { department: string; employmentStatus: EmploymentStatus; count: number }[];
  totals: WorkforceFigures;
  byDepartment: WorkforceFigures[];
  /** The department every figure is confined to (null: all); the payroll resolver computes within it */
  scope: string | null;
}

export interface DepartmentPayroll {
  department: string;
  staffCount: number;
  totalSalary: Decimal128;
  averageSalary: Decimal128 | null;
}

export interface WorkforcePayroll {
  staffCount: number;
  totalSalary: Decimal128;
  averageSalary: Decimal128 | null;
  byDepartment: DepartmentPayroll[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Workforce KPIs computed by aggregation pipelines in MongoDB: headcount by department and status, current
 * scores, mandatory training (assignments = active staff x mandatory courses of their position; a
 * completion counts while unexpired at `now`), and reviews due within the range. `department` confines
 * every figure to one department (Managers); null covers every department. The figures are cached per
 * department scope and range; the payroll is not (it is computed, and audited, for each request that asks).
 */
export class WorkforceDashboardService {
  constructor(
    private readonly staff: StaffMemberStore,
    private readonly courses: TrainingCourseStore,
    private readonly records: TrainingRecordStore,
    private readonly settings: WorkforceSettings,
    private readonly protector: FieldProtector,
    private readonly cache: DashboardCache,
  ) {}

  async dashboard(range: DateRange, department: string | null): Promise<WorkforceDashboardData> {
    checkDashboardRange(range, this.settings);
    // the department is the only thing about the caller the computation sees: it is the key's scope
    return this.cache.figures({ dashboard: 'workforceDashboard', scope: { department }, range }, () =>
      this.compute(range, department, new Date()),
    );
  }

  private async compute(
    range: DateRange,
    department: string | null,
    now: Date,
  ): Promise<WorkforceDashboardData> {
    // the catalogue is small: which mandatory courses each position needs
    const mandatory = await this.courses.activeMandatoryRequirements();
    const requiredByPosition = new Map<string, string[]>();
    for (const course of mandatory) {
      for (const position of course.required_for_positions) {
        requiredByPosition.set(position, [...(requiredByPosition.get(position) ?? []), course.id]);
      }
    }

    const staffFacets = await this.staff.dashboardFacets(department, range);

    const recordFacets = await this.records.departmentCompletions(requiredByPosition, department, now);

    const departments = department === null ? [...DEPARTMENTS].sort() : [department];
    const blank = (name: string | null): WorkforceFigures => ({
      department: name,
      activeHeadcount: 0,
      averagePerformanceScore: null,
      averageCommitmentScore: null,
      trainingCompletionRate: null,
      overdueTrainingCount: 0,
      staffWithOverdueTraining: 0,
      reviewsDueInRange: 0,
    });
    const figures = new Map(departments.map((name) => [name, blank(name)]));
    const totals = blank(null);
    const required = new Map<string, { assignments: number; staff: number }>();
    for (const row of staffFacets.positions) {
      const figure = figures.get(row._id.d);
      if (!figure) continue;
      figure.activeHeadcount += row.n;
      const courses = requiredByPosition.get(row._id.p)?.length ?? 0;
      const entry = required.get(row._id.d) ?? { assignments: 0, staff: 0 };
      entry.assignments += row.n * courses;
      if (courses > 0) entry.staff += row.n;
      required.set(row._id.d, entry);
    }
    for (const row of staffFacets.scores) {
      const figure = figures.get(row._id);
      if (!figure) continue;
      figure.averagePerformanceScore = round2(row.performance);
      figure.averageCommitmentScore = round2(row.commitment);
    }
    for (const row of staffFacets.reviewsDue) {
      const figure = figures.get(row._id);
      if (figure) figure.reviewsDueInRange = row.n;
    }
    const pairs = new Map(recordFacets.pairs.map((row) => [row._id, row.n]));
    const complete = new Map(recordFacets.complete.map((row) => [row._id, row.n]));
    let allAssignments = 0;
    let allCurrent = 0;
    for (const figure of figures.values()) {
      const name = figure.department!;
      const needed = required.get(name) ?? { assignments: 0, staff: 0 };
      const current = pairs.get(name) ?? 0;
      figure.trainingCompletionRate =
        needed.assignments === 0 ? null : round2((current / needed.assignments) * 100);
      figure.overdueTrainingCount = needed.assignments - current;
      figure.staffWithOverdueTraining = needed.staff - (complete.get(name) ?? 0);
      allAssignments += needed.assignments;
      allCurrent += current;
      totals.activeHeadcount += figure.activeHeadcount;
      totals.overdueTrainingCount += figure.overdueTrainingCount;
      totals.staffWithOverdueTraining += figure.staffWithOverdueTraining;
      totals.reviewsDueInRange += figure.reviewsDueInRange;
    }
    totals.trainingCompletionRate = allAssignments === 0 ? null : round2((allCurrent / allAssignments) * 100);
    const all = staffFacets.scoresAll[0];
    if (all) {
      totals.averagePerformanceScore = round2(all.performance);
      totals.averageCommitmentScore = round2(all.commitment);
    }
    return {
      from: range.from,
      to: range.to,
      headcount: staffFacets.headcount
        .map((row) => ({ department: row._id.d, employmentStatus: row._id.s, count: row.n }))
        .sort(
          (a, b) =>
            a.department.localeCompare(b.department) || a.employmentStatus.localeCompare(b.employmentStatus),
        ),
      totals,
      byDepartment: [...figures.values()],
      scope: department,
    };
  }

  /**
   * Total and average current salary of active staff, per department in scope and overall. Salaries are
   * sealed at rest with a fresh IV each (AES-GCM), so MongoDB cannot `$sum` them: an aggregation over
   * ciphertext would add up nothing. The figures are therefore computed here, inside workforce, and only
   * the sums leave it: the query projects just `department` and `salary` of the matching staff (and `id`, which the ciphertext is
   * bound to), each value
   * is opened in a tight loop and added in exact cents, and no plaintext is kept, logged or returned.
   * Callers are checked by the field's rule (the same who may see salaries in this scope).
   */
  async payroll(department: string | null): Promise<WorkforcePayroll> {
    const departments = department === null ? [...DEPARTMENTS].sort() : [department];
    const sums = new Map(departments.map((name) => [name, { count: 0, cents: 0n }]));
    for await (const row of this.staff.activeSalaries(department)) {
      const sum = sums.get(row.department);
      if (!sum) continue;
      sum.count += 1;
      sum.cents += toCents(openSalary(this.protector, row.salary, row.id));
    }
    const money = (count: number, cents: bigint) => ({
      staffCount: count,
      totalSalary: toMoney(centsToMoney(cents)),
      averageSalary: count === 0 ? null : toMoney(centsToMoney(averageCents(cents, count))),
    });
    let count = 0;
    let cents = 0n;
    const byDepartment = departments.map((name) => {
      const sum = sums.get(name)!;
      count += sum.count;
      cents += sum.cents;
      return { department: name, ...money(sum.count, sum.cents) };
    });
    return { ...money(count, cents), byDepartment };
  }
}
