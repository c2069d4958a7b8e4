import { DAY_MS } from '@casino/config';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import { COMP_CATEGORIES } from './comp-service';
import type { CompCategory, CompDocument, CompStatus } from './comp-store';
import { compAccrualCents, moneyText } from './money';

const OUTLETS: Record<CompCategory, string[]> = {
  dining: ['Ocean Grill', 'Jade Garden', 'The Buffet', 'Noodle Bar'],
  hotel: ['Tower Suites', 'Garden Wing'],
  show: ['Main Stage', 'Jazz Lounge'],
  free_play: ['Slot floor', 'Table games'],
  travel: ['Airport transfer', 'Partner airline'],
};

/** The seeded comps' states in turn: most issued or used, some voided, a few waiting for approval. */
const STATES: CompStatus[] = ['issued', 'redeemed', 'redeemed', 'issued', 'voided', 'pending_approval'];

/** An id of the member's own (UUID-shaped, unique per kind and member), so no faker draw is spent on it. */
export const derivedId = (member: MemberDocument, kind: string, n: number) =>
  `${member.id.slice(0, 23)}${kind}${String(n).padStart(12, '0')}`;

/**
 * The demo's comps, with no faker draws (the rest of the demo data stays as it was): every member's comp
 * balance earned from the theo behind its tier credits (one unit of theo per tier credit, at the default
 * reinvestment rate of its tier) on a day in the last 180 days, and for every third member with at least 20.00
 * one comp of about 40 % of it within the last 90 days, the states taken in turn. The balance is what the
 * ledger entries add up to. Changes `members` in place (their comp balance) and returns what to insert.
 */
export function seededComps(
  members: MemberDocument[],
  now: Date,
): { comps: CompDocument[]; entries: PointsLedgerDocument[] } {
  const comps: CompDocument[] = [];
  const entries: PointsLedgerDocument[] = [];
  members.forEach((member, n) => {
    const theoCents = member.tier_credits * 100;
    const earned = compAccrualCents(
      moneyText(theoCents),
      DEFAULT_LOYALTY_SETTINGS.compReinvestmentPercent[member.tier],
    );
    const after = member.registration_date.getTime();
    const at = (daysAgo: number) => new Date(Math.max(after, now.getTime() - daysAgo * DAY_MS));
    const earnedAt = at(1 + ((n * 7) % 180));
    let balance = earned;
    entries.push({
      id: derivedId(member, 'a', n),
      member_id: member.id,
      balance: 'comps',
      type: 'earn',
      amount: earned,
      source: 'opening_balance',
      source_id: null,
      reason: 'Comp balance carried over from the previous loyalty system',
      theo_cents: theoCents,
      tier: member.tier,
      idempotency_key: `opening:comps:${member.id}`,
      created_at: earnedAt,
    });
    if (n % 3 === 0 && earned >= 2_000) {
      const k = n / 3;
      const category = COMP_CATEGORIES[k % COMP_CATEGORIES.length]!;
      const outlets = OUTLETS[category];
      const status = STATES[k % STATES.length]!;
      const amount = Math.max(1_000, Math.floor((earned * 0.4) / 100) * 100);
      const requestedAt = new Date(Math.max(earnedAt.getTime(), at(1 + (k % 90)).getTime()));
      const id = derivedId(member, 'd', n);
      const paid = status !== 'pending_approval';
      const voided = status === 'voided';
      const redeemed = status === 'redeemed';
      const later = new Date(Math.min(now.getTime(), requestedAt.getTime() + DAY_MS));
      comps.push({
        id,
        member_id: member.id,
        category,
        outlet: outlets[k % outlets.length]!,
        amount_cents: amount,
        status,
        tier: member.tier,
        note: null,
        requested_by: 'seed',
        requested_role: paid ? 'Manager' : 'Supervisor',
        requested_at: requestedAt,
        approved_by: null,
        approved_at: null,
        declined_by: null,
        declined_at: null,
        decline_reason: null,
        issued_at: paid ? requestedAt : null,
        redeemed_by: redeemed ? 'seed' : null,
        redeemed_at: redeemed ? later : null,
        voided_by: voided ? 'seed' : null,
        voided_at: voided ? later : null,
        void_reason: voided ? 'Guest left before the booking' : null,
        ...(voided ? { void_settled: true } : {}),
      });
      if (paid) {
        balance -= amount;
        entries.push({
          id: derivedId(member, 'b', n),
          member_id: member.id,
          balance: 'comps',
          type: 'redeem',
          amount: -amount,
          source: 'comp',
          source_id: id,
          reason: null,
          tier: member.tier,
          idempotency_key: `comp:${id}:issue`,
          created_at: requestedAt,
        });
      }
      if (voided) {
        balance += amount;
        entries.push({
          id: derivedId(member, 'c', n),
          member_id: member.id,
          balance: 'comps',
          type: 'reverse',
          amount,
          source: 'comp',
          source_id: id,
          reason: null,
          tier: member.tier,
          idempotency_key: `comp:${id}:void`,
          created_at: later,
        });
      }
    }
    member.comp_balance_cents = balance;
  });
  return { comps, entries };
}
