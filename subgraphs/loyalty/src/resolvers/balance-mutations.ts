import type { Identity } from '@casino/auth';
import type { LoyaltyContext } from '../context';
import type { BalanceChange } from '../comps/balance-records';
import { moneyText } from '../comps/money';

/**
 * What a mutation that may move a member's comp balance (a comp's, a VIP experience's) leaves in the audit
 * trail: the balance before and after, and after it the record as `record` names it. The member id is in both,
 * so `auditLogs(filter: { targetId: <memberId> })` finds every such change of a member.
 */
export function auditedBalanceChange(change: BalanceChange, record: Record<string, unknown>) {
  return {
    before: { memberId: change.memberId, compBalance: moneyText(change.balanceBeforeCents) },
    after: { memberId: change.memberId, compBalance: moneyText(change.balanceAfterCents), ...record },
  };
}

/**
 * The mutation resolvers of one service whose changes move the comp balance: `recorded(call)` is a resolver that
 * makes the service call, then records its change for the audit trail (`audited` names the record).
 */
export function balanceMutations<S, C extends BalanceChange>(
  service: (ctx: LoyaltyContext) => S,
  audited: (change: C) => Record<string, unknown>,
) {
  return <A>(call: (service: S, args: A, identity: Identity) => Promise<C>) =>
    async (_: unknown, args: A, ctx: LoyaltyContext) => {
      const change = await call(service(ctx), args, ctx.identity);
      const { before, after } = auditedBalanceChange(change, audited(change));
      ctx.audit.setChanges(before, after);
      return change;
    };
}
