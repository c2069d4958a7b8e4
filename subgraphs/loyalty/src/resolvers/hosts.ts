import type {
  HostedMemberResolvers,
  MutationResolvers,
  StaffMemberResolvers,
} from '../__generated__/resolvers-types';
import { money } from '../comps/money';

export const hostMutations: Pick<MutationResolvers, 'assignHost'> = {
  /** The member id is the audit event's target: auditLogs(filter: { targetId: memberId }) finds it */
  assignHost: async (_, args, ctx) => {
    const change = await ctx.services.hosts.assign(args, ctx.identity, ctx.log);
    ctx.audit.setChanges(
      { memberId: change.memberId, hostStaffId: change.before },
      { memberId: change.memberId, hostStaffId: change.after },
    );
    return change.member;
  },
};

export const StaffMember: StaffMemberResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  hostedMembers: (staff, { window }, ctx) =>
    ctx.services.hosts.portfolio(staff.id, window, ctx.identity, ctx.log),
};

export const HostedMember: HostedMemberResolvers = {
  member: async (row, _, ctx) => (await ctx.loaders.member.load(row.member.id))!,
  theo: (row) => money(row.theoCents),
};
