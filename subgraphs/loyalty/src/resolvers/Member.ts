import { hasRoleOrPermission } from '@casino/auth';
import { maskDocumentNumber } from '@casino/graphql';
import { DAY_MS, lastActivity } from '../jobs/loyalty-jobs';
import { TIER_ORDER } from '../settings';
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
  tierProgress: (member, _, ctx) => {
    const next = TIER_ORDER[TIER_ORDER.indexOf(member.tier) + 1];
    if (!next || next === 'Ruby') return { nextTier: null, creditsToNextTier: 0 };
    const threshold = ctx.settings.tierThresholds[next];
    return { nextTier: next, creditsToNextTier: Math.max(0, threshold - member.tier_credits) };
  },
  pointsExpiringSoon: async (member, _, ctx) => {
    if (member.points_balance <= 0) return null;
    const last = lastActivity(member, await ctx.loaders.lastEarn.load(member.id));
    return {
      points: member.points_balance,
      expiresAt: new Date(last.getTime() + ctx.settings.pointsExpiryDays * DAY_MS),
    };
  },
};
