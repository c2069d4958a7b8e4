import type {
  CompChangeResolvers,
  CompResolvers,
  LedgerCheckResolvers,
  LoyaltyDashboardResolvers,
  MutationApproveCompArgs,
  MutationDeclineCompArgs,
  MutationIssueCompArgs,
  MutationRedeemCompArgs,
  MutationResolvers,
  MutationVoidCompArgs,
  QueryResolvers,
  TierReinvestmentResolvers,
} from '../__generated__/resolvers-types';
import type { CompChange as CompChangeResult } from '../comps/comp-service';
import { money, moneyText } from '../comps/money';
import { balanceMutations } from './balance-mutations';

/**
 * A comp mutation's change in the audit trail: the member's comp balance before and after, and the comp. The
 * mutation's input names the member, and its result (a CompChange) has no id of its own, so the event's target
 * is the member: `auditLogs(filter: { targetId: <memberId> })` finds every comp of a member.
 */
const recorded = balanceMutations(
  (ctx) => ctx.services.comps,
  (change: CompChangeResult) => ({
    comp: {
      id: change.comp.id,
      status: change.comp.status,
      category: change.comp.category,
      outlet: change.comp.outlet,
      amount: moneyText(change.comp.amount_cents),
    },
  }),
);

export const compQueries: Pick<QueryResolvers, 'comp' | 'comps'> = {
  comp: (_, { id }, ctx) => ctx.loaders.comp.load(id),
  comps: (_, { filter, first, after }, ctx) =>
    ctx.services.comps.page(filter ?? {}, { first, after }, ctx.paging),
};

type CompMutation = 'issueComp' | 'approveComp' | 'declineComp' | 'redeemComp' | 'voidComp';

export const compMutations: Pick<MutationResolvers, CompMutation> = {
  issueComp: recorded<MutationIssueCompArgs>((comps, { input }, who) => comps.issue(input, who)),
  approveComp: recorded<MutationApproveCompArgs>((comps, { input }, who) => comps.approve(input, who)),
  declineComp: recorded<MutationDeclineCompArgs>((comps, { input }, who) => comps.decline(input, who)),
  redeemComp: recorded<MutationRedeemCompArgs>((comps, { input }, who) => comps.redeem(input, who)),
  voidComp: recorded<MutationVoidCompArgs>((comps, { input }, who) => comps.void(input, who)),
};

export const Comp: CompResolvers = {
  member: async (comp, _, ctx) => (await ctx.loaders.member.load(comp.member_id))!,
  amount: (comp) => money(comp.amount_cents),
};

export const CompChange: CompChangeResolvers = {
  member: async (change, _, ctx) => (await ctx.loaders.member.load(change.memberId))!,
  compBalance: (change) => money(change.balanceAfterCents),
};

export const LedgerCheck: LedgerCheckResolvers = {
  compBalance: (check) => money(check.compBalanceCents),
  compLedgerSum: (check) => money(check.compLedgerSumCents),
};

export const LoyaltyDashboard: LoyaltyDashboardResolvers = {
  compsIssued: (d) => money(d.compsIssuedCents),
  compsRedeemed: (d) => money(d.compsRedeemedCents),
  compsVoided: (d) => money(d.compsVoidedCents),
  compsOutstanding: (d) => money(d.compsOutstandingCents),
  compsPendingApprovalAmount: (d) => money(d.compsPendingApprovalCents),
  compBalanceOutstanding: (d) => money(d.compBalanceOutstandingCents),
  compsAccrued: (d) => money(d.compsAccruedCents),
};

export const TierReinvestment: TierReinvestmentResolvers = {
  theo: (row) => money(row.theoCents),
  comps: (row) => money(row.compsCents),
};
