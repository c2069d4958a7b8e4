import {
  and,
  atLeast,
  hasRoleOrPermission,
  inDepartmentScope,
  inOwnDepartment,
  isAdmin,
  fromService,
  isAuthenticated,
  inOwnDepartmentScope,
  requiring,
  rule,
} from '@casino/auth';
import type { RuleTree } from '@casino/auth';
import type { WorkforceContext } from './context';
import type { StaffMemberDocument } from './staff/staff-store';

/** Whether the caller may read the staff member with this id (GeneralAdmin+ without a lookup). */
async function staffMemberInScope(ctx: WorkforceContext, id: string): Promise<boolean> {
  if (hasRoleOrPermission(ctx.identity, 'GeneralAdmin')) return true;
  if (!isAdmin(ctx.identity)) return false;
  const staffMember = await ctx.loaders.staffMember.load(id);
  return staffMember !== null && inDepartmentScope(ctx.identity, staffMember.department);
}

/** A staff member is read by GeneralAdmin+, or by a Manager or Supervisor of the same department. */
const staffInScope = inOwnDepartment('StaffMember', (parent) => (parent as StaffMemberDocument).department);

/** A training record or review follows the department of the staff member it is about. */
const aboutStaffInScope = rule('aboutStaffMemberInScope', { cache: 'strict' })(
  (parent: { staff_member_id: string }, _args, ctx: WorkforceContext) =>
    staffMemberInScope(ctx, parent.staff_member_id),
);

/**
 * `staffMembers(filter:)`: a Manager or Supervisor lists only their own department (the resolver forces it);
 * asking for another department explicitly is refused. A scoped role without a department gets nothing.
 */
const staffListInScope = rule('staffMembersFilterInScope', { cache: 'strict' })((
  _parent,
  args: { filter?: { department?: string | null } | null },
  ctx: WorkforceContext,
) => {
  if (hasRoleOrPermission(ctx.identity, 'GeneralAdmin')) return true;
  if (!isAdmin(ctx.identity) || ctx.identity.department === null) return false;
  const department = args.filter?.department;
  return department == null || department === ctx.identity.department;
});

/**
 * `trainingRecords` / `performanceReviews(filter:)`: the resolver confines the list to the caller's department;
 * filtering by a staff member of another department is refused (an unknown id just finds nothing).
 */
const recordListInScope = rule('staffMemberFilterInScope', { cache: 'strict' })(async (
  _parent,
  args: { filter?: { staffMemberId?: string | null } | null },
  ctx: WorkforceContext,
) => {
  if (hasRoleOrPermission(ctx.identity, 'GeneralAdmin')) return true;
  if (!isAdmin(ctx.identity) || ctx.identity.department === null) return false;
  const id = args.filter?.staffMemberId;
  if (!id) return true;
  const staffMember = await ctx.loaders.staffMember.load(id);
  return staffMember === null || staffMember.department === ctx.identity.department;
});

/** GeneralAdmin+ hire into any department, a Manager only into their own; Supervisors never. */
const hiresIntoOwnDepartment = inOwnDepartment(
  'createStaffMember.input',
  (_parent, args) => (args.input as { department?: string } | undefined)?.department,
);

const managerOrAbove = atLeast('Manager');

/**
 * `WorkforceDashboard.payroll`: the salary rule applied to the dashboard's scope. GeneralAdmin+ see every
 * department's salaries; a Manager those of their own department, to which the dashboard is confined;
 * anyone else (Supervisors, a Manager without a department) gets null with FORBIDDEN.
 */
const salariesInDashboardScope = and(
  managerOrAbove,
  rule('payrollInScope', { cache: 'contextual' })(
    (_parent, _args, ctx: WorkforceContext) =>
      hasRoleOrPermission(ctx.identity, 'GeneralAdmin') ||
      (isAdmin(ctx.identity) && ctx.identity.department !== null),
  ),
);

type InputArgs = { input?: Record<string, unknown> | null };
const inputField = (args: InputArgs, name: string): string | undefined => {
  const value = args.input?.[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `updateStaffMember`: the person must be in the caller's scope, and a move to another department must be
 * into it too (a Manager can neither edit nor transfer staff outside their own department).
 */
const staffUpdateInScope = rule('updateStaffMember.inScope', { cache: 'strict' })(async (
  _parent,
  args: InputArgs,
  ctx: WorkforceContext,
) => {
  const id = inputField(args, 'id');
  if (!id || !(await staffMemberInScope(ctx, id))) return false;
  const department = args.input?.department;
  return department == null || inDepartmentScope(ctx.identity, String(department));
});

/** A mutation about `input.staffMemberId` follows that person's department. */
const inputStaffMemberInScope = rule('input.staffMemberId.inScope', { cache: 'strict' })((
  _parent,
  args: InputArgs,
  ctx: WorkforceContext,
) => {
  const id = inputField(args, 'staffMemberId');
  return id !== undefined && staffMemberInScope(ctx, id);
});

/** `overdueTraining(department:)`: GeneralAdmin+ any department, Managers and Supervisors their own. */
const departmentArgInScope = inOwnDepartment('overdueTraining.department', (_parent, args) =>
  typeof args.department === 'string' ? args.department : undefined,
);

// what refusals and the schema's descriptions state for the rules above
[aboutStaffInScope, staffListInScope, recordListInScope, staffUpdateInScope, inputStaffMemberInScope].forEach(
  (scoped) => inOwnDepartmentScope(scoped),
);
requiring('Manager or above with a department (GeneralAdmin or above: any)', salariesInDashboardScope);

/**
 * Who may do what in workforce (PRODUCT.md §4). Every admin role reads staff, but Managers and Supervisors
 * only their own department (the type rule on StaffMember, plus the lists forced to the department);
 * salaries are for GeneralAdmin+ and the person's own Manager, never a Supervisor. Training records follow
 * their staff member's department; performance reviews are Manager+ within the same scope. Hiring: GeneralAdmin+
 * anywhere, a Manager into their own department. Courses are read by everyone and created by Manager+.
 * Staff updates (terminations included) and reviews are Manager+ within scope; training completions are
 * recorded by Supervisors+ within scope; overdue training follows the department asked for; the dashboard is
 * Manager+ (Managers see their own department only).
 * Payroll figures follow the salary rule within the dashboard's scope. Anonymous callers get nothing; service
 * identities only the key rotation's re-seal (compliance's rotateEncryptionKey).
 */
export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    workforceDeadLetters: atLeast('SuperAdmin'),
    staffMember: isAuthenticated,
    staffMembers: and(isAuthenticated, staffListInScope),
    trainingCourse: isAuthenticated,
    trainingCourses: isAuthenticated,
    trainingRecord: isAuthenticated,
    trainingRecords: and(isAuthenticated, recordListInScope),
    performanceReview: managerOrAbove,
    performanceReviews: and(managerOrAbove, recordListInScope),
    overdueTraining: departmentArgInScope,
    // Managers get their own department's figures (the resolver confines the pipelines to it)
    workforceDashboard: managerOrAbove,
    // loyalty checks a host's employment and department (assignHost, StaffMember.hostedMembers)
    hostCandidate: fromService('loyalty'),
  },
  Mutation: {
    retryWorkforceDeadLetter: atLeast('SuperAdmin'),
    createStaffMember: and(managerOrAbove, hiresIntoOwnDepartment),
    createTrainingCourse: managerOrAbove,
    updateStaffMember: and(managerOrAbove, staffUpdateInScope),
    // Supervisors record training for their own department; Managers+ within their scope
    recordTrainingCompletion: inputStaffMemberInScope,
    createPerformanceReview: and(managerOrAbove, inputStaffMemberInScope),
    resealWorkforceProtectedFields: fromService('compliance'),
  },
  StaffMember: {
    '*': staffInScope,
    salary: and(staffInScope, managerOrAbove),
    performanceReviews: and(staffInScope, managerOrAbove),
  },
  StaffMemberEdge: isAuthenticated,
  StaffMemberConnection: isAuthenticated,
  TrainingCourse: isAuthenticated,
  TrainingCourseEdge: isAuthenticated,
  TrainingCourseConnection: isAuthenticated,
  TrainingRecord: aboutStaffInScope,
  TrainingRecordEdge: isAuthenticated,
  TrainingRecordConnection: isAuthenticated,
  PerformanceReview: and(managerOrAbove, aboutStaffInScope),
  PerformanceReviewEdge: managerOrAbove,
  PerformanceReviewConnection: managerOrAbove,
  OverdueTraining: isAuthenticated,
  OverdueCourse: isAuthenticated,
  WorkforceDashboard: { '*': managerOrAbove, payroll: salariesInDashboardScope },
  WorkforcePayroll: salariesInDashboardScope,
  DepartmentPayroll: salariesInDashboardScope,
  ProtectedFieldRotation: fromService('compliance'),
  HostCandidate: fromService('loyalty'),
  WorkforceFigures: managerOrAbove,
  HeadcountByStatus: managerOrAbove,
  AdminUser: isAuthenticated,
  PageInfo: isAuthenticated,
};
