import { revealProtectedAmount } from '@casino/audit';
import { inDepartmentScope } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { SALARY_FIELD } from '../staff/salary';
import type { StaffMemberResolvers } from '../__generated__/resolvers-types';

export const StaffMember: StaffMemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.staffMember.load(reference.id),
  // sealed at rest; the field's rule decides who gets it, the read is opened and audited in one place
  salary: (staffMember, _, ctx) => {
    const amount = revealProtectedAmount(ctx, legacyAsText(staffMember.salary), {
      type: 'StaffMember',
      field: 'salary',
      collection: SALARY_FIELD.collection,
      storedField: SALARY_FIELD.field,
      id: staffMember.id,
    });
    return amount === null ? null : toMoney(amount);
  },
  manager: (staffMember, _, ctx) =>
    staffMember.manager_id ? ctx.loaders.staffMember.load(staffMember.manager_id) : null,
  // only the reports the caller may read (a department head's manager has reports in every department), so
  // one report outside a Manager's department does not turn the whole list into a FORBIDDEN error
  directReports: async (staffMember, _, ctx) =>
    (await ctx.loaders.directReports.load(staffMember.id)).filter((report) =>
      inDepartmentScope(ctx.identity, report.department),
    ),
  trainingRecords: (staffMember, { first, after }, ctx) =>
    ctx.services.training.recordsOf(staffMember.id, { first, after }, ctx.paging),
  performanceReviews: (staffMember, { first, after }, ctx) =>
    ctx.services.reviews.reviewsOf(staffMember.id, { first, after }, ctx.paging),
};

/** A salary from before encryption (Decimal128, until the next key rotation seals it) is read as its text. */
function legacyAsText(stored: unknown): string | null {
  return stored === null || stored === undefined ? null : String(stored);
}
