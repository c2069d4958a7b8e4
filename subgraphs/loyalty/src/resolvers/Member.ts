import { hasRoleOrPermission } from '@casino/auth';
import { maskDocumentNumber } from '@casino/graphql';
import type { MemberResolvers } from '../__generated__/resolvers-types';

/** Who sees a member's identity document in full (every reveal is audited); everyone else gets the mask. */
export const PII_REVEAL = { minimumRole: 'GeneralAdmin', permission: 'pii:read' } as const;

export const Member: MemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.member.load(reference.id),
  nicPassport: (member, _, ctx) => {
    if (!member.nic_passport) return null;
    if (!hasRoleOrPermission(ctx.identity, PII_REVEAL.minimumRole, PII_REVEAL.permission)) {
      return maskDocumentNumber(member.nic_passport);
    }
    ctx.audit.record({
      action: 'pii.read',
      targetType: 'Member',
      targetId: member.id,
      changes: { before: null, after: { field: 'nicPassport' } },
    });
    return member.nic_passport;
  },
  redemptions: (member, { first, after }, ctx) =>
    ctx.stores.redemptions.page({ memberId: member.id }, { first, after }, ctx.paging),
  pointsLedger: (member, { first, after }, ctx) =>
    ctx.stores.ledger.page({ memberId: member.id }, { first, after }, ctx.paging),
};
