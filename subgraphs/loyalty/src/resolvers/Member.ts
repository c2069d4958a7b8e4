import { revealIdentityDocument } from '@casino/audit';
import { LocalTime } from '@casino/config';
import { lastActivity } from '../jobs/loyalty-jobs';
import { TIER_ORDER } from '../settings';
import { money } from '../comps/money';
import { projectionOf, selectedFieldNames } from '@casino/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { MemberResolvers } from '../__generated__/resolvers-types';

export const Member: MemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.member.load(reference.id),
  nicPassport: (member, _, ctx) =>
    revealIdentityDocument(ctx, member.nic_passport, {
      type: 'Member',
      id: member.id,
      field: 'nicPassport',
      collection: 'members',
      storedField: 'nic_passport',
    }),
  compBalance: (member) => money(member.comp_balance_cents ?? 0),
  selfExclusions: (member, _, ctx) => ctx.loaders.selfExclusions.load(member.id),
  redemptions: (member, { first, after }, ctx) =>
    ctx.services.points.redemptionPage({ memberId: member.id }, { first, after }, ctx.paging),
  pointsLedger: (member, { first, after }, ctx) =>
    ctx.services.points.ledgerPage({ memberId: member.id }, { first, after }, ctx.paging),
  vipExperiences: (member, { first, after }, ctx) =>
    ctx.services.vipExperiences.page({ memberId: member.id }, { first, after }, ctx.paging),
  host: (member) => (member.host_staff_id ? { id: member.host_staff_id } : null),
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
      // the same local time that many calendar days later (23- or 25-hour days across a change)
      expiresAt: new LocalTime(ctx.settings.timeZone).plusDays(last, ctx.settings.pointsExpiryDays),
    };
  },
};

/**
 * The stored fields each Member resolver above reads. A page of members fetches only the fields its selection
 * needs; a selected field with a resolver missing here makes it fetch whole members.
 */
const MEMBER_READS: Record<string, readonly string[]> = {
  nicPassport: ['id', 'nic_passport'],
  compBalance: ['comp_balance_cents'],
  selfExclusions: ['id'],
  redemptions: ['id'],
  pointsLedger: ['id'],
  vipExperiences: ['id'],
  host: ['host_staff_id'],
  tierProgress: ['tier', 'tier_credits'],
  pointsExpiringSoon: ['id', 'points_balance', 'last_visit', 'registration_date'],
};

/** The projection for `members(...) { edges { node { ... } } }` (null: whole members). */
export const memberPageProjection = (info: GraphQLResolveInfo) =>
  projectionOf(selectedFieldNames(info, ['edges', 'node']), {
    resolved: MEMBER_READS,
    resolverFields: Object.keys(Member),
  });
