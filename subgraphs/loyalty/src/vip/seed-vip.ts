import { DAY_MS } from '@casino/config';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { DEFAULT_LOYALTY_SETTINGS, TIER_ORDER } from '../settings';
import { derivedId } from '../comps/seed-comps';
import { chargeKey } from './vip-experience-service';
import { VIP_EXPERIENCE_KINDS } from './vip-experience-store';
import type { VipExperienceDocument, VipExperienceKind, VipExperienceStatus } from './vip-experience-store';

const OFFERS: Record<VipExperienceKind, { description: string; cents: number }> = {
  private_dining: { description: "Chef's table for two, Jade Garden", cents: 15_000 },
  event_tickets: { description: 'Two seats, Main Stage', cents: 25_000 },
  limousine: { description: 'Airport transfer, both ways', cents: 20_000 },
  suite: { description: 'Tower suite, two nights', cents: 60_000 },
  private_salon: { description: 'Private baccarat salon, one evening', cents: 150_000 },
};

/** The seeded experiences' states in turn. */
const STATES: VipExperienceStatus[] = ['requested', 'approved', 'scheduled', 'completed', 'cancelled'];

/**
 * The demo's VIP experiences, with no faker draws (the rest of the demo data stays as it was): every fourth
 * member above Ruby books one kind their tier allows, the kinds and states taken in turn, within the last 60
 * days. An approved, scheduled or completed one was charged to the comp balance (the charge entry under the
 * key the service uses, so a later cancellation refunds it); one the balance cannot cover stays requested.
 * Run after the comps (it reads and changes the members' comp balance); returns what to insert.
 */
export function seededVipExperiences(
  members: MemberDocument[],
  now: Date,
): { experiences: VipExperienceDocument[]; entries: PointsLedgerDocument[] } {
  const experiences: VipExperienceDocument[] = [];
  const entries: PointsLedgerDocument[] = [];
  members.forEach((member, n) => {
    if (n % 4 !== 1 || member.tier === 'Ruby') return;
    const rank = TIER_ORDER.indexOf(member.tier);
    const kinds = VIP_EXPERIENCE_KINDS.filter(
      (kind) => TIER_ORDER.indexOf(DEFAULT_LOYALTY_SETTINGS.vipMinimumTier[kind]) <= rank,
    );
    if (kinds.length === 0) return;
    const k = (n - 1) / 4;
    const kind = kinds[k % kinds.length]!;
    const offer = OFFERS[kind];
    const balance = member.comp_balance_cents ?? 0;
    let status = STATES[k % STATES.length]!;
    const charged = status === 'approved' || status === 'scheduled' || status === 'completed';
    if (charged && balance < offer.cents) status = 'requested';
    const requestedAt = new Date(
      Math.max(member.registration_date.getTime(), now.getTime() - (1 + (k % 60)) * DAY_MS),
    );
    const approvedAt =
      status === 'requested' || status === 'cancelled' ? null : new Date(requestedAt.getTime() + DAY_MS / 4);
    const experience: VipExperienceDocument = {
      id: derivedId(member, 'e', n),
      member_id: member.id,
      kind,
      description: offer.description,
      cost_cents: offer.cents,
      status,
      tier: member.tier,
      starts_at: new Date(requestedAt.getTime() + (status === 'completed' ? 2 : 21) * DAY_MS),
      requested_by: 'seed',
      requested_role: 'Supervisor',
      requested_at: requestedAt,
      approved_by: approvedAt ? 'seed' : null,
      approved_at: approvedAt,
      scheduled_by: status === 'scheduled' || status === 'completed' ? 'seed' : null,
      scheduled_at: status === 'scheduled' || status === 'completed' ? approvedAt : null,
      completed_by: status === 'completed' ? 'seed' : null,
      completed_at: status === 'completed' ? new Date(requestedAt.getTime() + 2 * DAY_MS) : null,
      cancelled_by: status === 'cancelled' ? 'seed' : null,
      cancelled_at: status === 'cancelled' ? new Date(requestedAt.getTime() + DAY_MS) : null,
      cancel_reason: status === 'cancelled' ? 'Plans changed' : null,
    };
    experiences.push(experience);
    if (!approvedAt) return;
    member.comp_balance_cents = balance - offer.cents;
    entries.push({
      id: derivedId(member, 'f', n),
      member_id: member.id,
      balance: 'comps',
      type: 'redeem',
      amount: -offer.cents,
      source: 'comp_charge',
      source_id: experience.id,
      reason: 'vip_experience',
      tier: member.tier,
      idempotency_key: `comp_charge:${chargeKey(experience)}`,
      created_at: approvedAt,
    });
  });
  return { experiences, entries };
}
