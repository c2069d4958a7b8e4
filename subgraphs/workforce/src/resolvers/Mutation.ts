import type { MutationResolvers } from '../__generated__/resolvers-types';
import { CHANGED_MARKER } from '../staff/salary';
import type { StaffMemberDocument } from '../staff/staff-store';

/**
 * A staff member as the audit trail sees it: the salary (sealed) never goes in, in plaintext or ciphertext;
 * a marker says it changed.
 */
function auditView(staffMember: StaffMemberDocument, salaryChanged: boolean): Record<string, unknown> {
  const { salary: _sealed, ...rest } = staffMember;
  return salaryChanged ? { ...rest, salary: CHANGED_MARKER } : rest;
}

export const Mutation: MutationResolvers = {
  createStaffMember: async (_, { input }, ctx) => {
    const staffMember = await ctx.services.staff.create(input);
    ctx.audit.setChanges(null, auditView(staffMember, true));
    return staffMember;
  },
  createTrainingCourse: (_, { input }, ctx) =>
    ctx.services.courses.create(input, ctx.identity.kind === 'admin' ? ctx.identity.userId : null),
  updateStaffMember: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.staff.update(input);
    const salaryChanged = input.salary != null;
    ctx.audit.setChanges(auditView(before, salaryChanged), auditView(after, salaryChanged));
    return after;
  },
  recordTrainingCompletion: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.training.recordCompletion(input);
    ctx.loaders.staffMember.clear(after.staff_member_id);
    ctx.audit.setChanges(before, after);
    return after;
  },
  createPerformanceReview: async (_, { input }, ctx) => {
    const { review, staffMember } = await ctx.services.reviews.create(input, ctx.identity);
    ctx.loaders.staffMember.clear(staffMember.id).prime(staffMember.id, staffMember);
    return review;
  },
  resealWorkforceProtectedFields: (_, { batchSize }, ctx) => ctx.privacy.resealProtectedFields(batchSize),
};
