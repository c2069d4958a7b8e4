import type { Faker } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import { ensureIndexes, insertInBatches, toMoney } from '@casino/mongo';
import { LOYALTY_INDEXES } from './indexes';
import type { PointsLedgerDocument } from './points/ledger-store';
import { protectIdentityDocument } from './members/member-store';
import type { MemberDocument, Tier } from './members/member-store';
import type { RewardRedemptionDocument } from './redemptions/redemption-store';
import type { RewardCategory, RewardDocument } from './rewards/reward-store';
import { DAY_MS } from '@casino/config';
import { exclusionEnd } from './exclusions/self-exclusion-service';
import { SELF_EXCLUSIONS } from './exclusions/self-exclusion-store';
import type { SelfExclusionDocument, SelfExclusionLength } from './exclusions/self-exclusion-store';
import { COMPS } from './comps/comp-store';
import { seededComps } from './comps/seed-comps';
import { VIP_EXPERIENCES } from './vip/vip-experience-store';
import { seededVipExperiences } from './vip/seed-vip';

/** What other subgraphs' seeds need to know about each demo member. */
export interface SeededMember {
  id: string;
  tier: Tier;
  registrationDate: Date;
  selfExcluded: boolean;
  marketingConsent: boolean;
  kycVerified: boolean;
  email: string;
  phone: string;
  firstName: string;
}

export interface LoyaltySeedResult {
  members: SeededMember[];
}

const TIER_WEIGHTS: { weight: number; value: Tier }[] = [
  { weight: 60, value: 'Ruby' },
  { weight: 25, value: 'Sapphire' },
  { weight: 11, value: 'Diamond' },
  { weight: 4, value: 'VIP' },
];
const TIER_CREDIT_RANGE: Record<Tier, [number, number]> = {
  Ruby: [0, 4_999],
  Sapphire: [5_000, 19_999],
  Diamond: [20_000, 74_999],
  VIP: [75_000, 250_000],
};
const TIERS_FROM: Record<Tier, Tier[]> = {
  Ruby: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
  Sapphire: ['Sapphire', 'Diamond', 'VIP'],
  Diamond: ['Diamond', 'VIP'],
  VIP: ['VIP'],
};

const REWARD_NAMES: Record<RewardCategory, string[]> = {
  dining: ['Buffet for two', 'Steakhouse dinner', 'Noodle bar voucher', 'Champagne brunch', 'Dim sum lunch'],
  accommodation: ['Deluxe room night', 'Suite upgrade', 'Late checkout', 'Spa weekend'],
  gaming: ['Free play 50', 'Free play 200', 'Slot tournament entry', 'Baccarat lesson'],
  merchandise: ['Branded jacket', 'Crystal dice set', 'Leather card wallet', 'Poker chip set'],
};

/** Identity document expiries: about 1% already expired, 3% within the next 60 days, the rest 1-8 years ahead */
const DOCUMENT_EXPIRY = { expiredShare: 0.01, soonShare: 0.03, soonDays: 60, minYears: 1, maxYears: 8 };

/** A member's identity document expiry, relative to `now` (deterministic with the given faker). */
function documentExpiry(faker: Faker, now: Date): Date {
  const draw = faker.number.float({ min: 0, max: 1 });
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  if (draw < DOCUMENT_EXPIRY.expiredShare) return faker.date.between({ from: at(-365), to: at(-1) });
  if (draw < DOCUMENT_EXPIRY.expiredShare + DOCUMENT_EXPIRY.soonShare) {
    return faker.date.between({ from: at(1), to: at(DOCUMENT_EXPIRY.soonDays) });
  }
  return faker.date.between({
    from: at(DOCUMENT_EXPIRY.minYears * 365),
    to: at(DOCUMENT_EXPIRY.maxYears * 365),
  });
}

/** Fills loyalty's collections with believable, deterministic demo data (given a seeded faker). */
export async function seedLoyalty(
  db: Db,
  options: {
    faker: Faker;
    members: number;
    now: Date;
    /** Seals identity documents exactly as the service does (with the stack's keys) */
    protector: FieldProtector;
    /** The property's IANA time zone: self-exclusion periods end on its calendar, as the service ends them */
    timeZone?: string;
  },
): Promise<LoyaltySeedResult> {
  const { faker, now } = options;
  await ensureIndexes(db, LOYALTY_INDEXES);

  const rewards: RewardDocument[] = [];
  for (const [category, names] of Object.entries(REWARD_NAMES) as [RewardCategory, string[]][]) {
    for (const name of names) {
      const minimumTier = faker.helpers.weightedArrayElement(TIER_WEIGHTS);
      const points = faker.number.int({ min: 5, max: 400 }) * 50;
      rewards.push({
        id: faker.string.uuid(),
        name,
        description: faker.lorem.sentence({ min: 6, max: 12 }),
        category,
        points_required: points,
        cash_value: toMoney((points / 100).toFixed(2)),
        tier_access: TIERS_FROM[minimumTier],
        stock_quantity: faker.datatype.boolean(0.3) ? null : faker.number.int({ min: 0, max: 500 }),
        is_active: faker.datatype.boolean(0.9),
        created_at: faker.date.past({ years: 2, refDate: now }),
      });
    }
  }

  const members: MemberDocument[] = [];
  const ledger: PointsLedgerDocument[] = [];
  const redemptions: RewardRedemptionDocument[] = [];
  const usedNumbers = new Set<string>();
  const usedDocuments = new Set<string>();

  for (let i = 0; i < options.members; i++) {
    const id = faker.string.uuid();
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const tier = faker.helpers.weightedArrayElement(TIER_WEIGHTS);
    const [minCredits, maxCredits] = TIER_CREDIT_RANGE[tier];
    const tierCredits = faker.number.int({ min: minCredits, max: maxCredits });
    const earned = Math.round(tierCredits * faker.number.float({ min: 1, max: 3 }));
    const registrationDate = faker.date.past({ years: 5, refDate: now });
    let memberNumber: string;
    do memberNumber = `M${faker.string.numeric(9)}`;
    while (usedNumbers.has(memberNumber));
    usedNumbers.add(memberNumber);
    let documentNumber: string;
    do documentNumber = faker.string.alphanumeric({ length: 9, casing: 'upper' });
    while (usedDocuments.has(documentNumber));
    usedDocuments.add(documentNumber);

    let balance = earned;
    const openedAt = faker.date.between({ from: registrationDate, to: now });
    ledger.push(
      {
        id: faker.string.uuid(),
        member_id: id,
        balance: 'points',
        type: 'earn',
        amount: earned,
        source: 'opening_balance',
        source_id: null,
        reason: 'Balance carried over from the previous loyalty system',
        idempotency_key: `opening:points:${id}`,
        created_at: openedAt,
      },
      {
        id: faker.string.uuid(),
        member_id: id,
        balance: 'tier_credits',
        type: 'earn',
        amount: tierCredits,
        source: 'opening_balance',
        source_id: null,
        reason: 'Tier credits carried over from the previous loyalty system',
        idempotency_key: `opening:tier_credits:${id}`,
        created_at: openedAt,
      },
    );
    const affordable = rewards.filter((r) => r.tier_access.includes(tier) && r.points_required <= balance);
    if (affordable.length > 0 && faker.datatype.boolean(0.35)) {
      const reward = faker.helpers.arrayElement(affordable);
      const redemptionId = faker.string.uuid();
      const redeemedAt = faker.date.between({ from: openedAt, to: now });
      balance -= reward.points_required;
      redemptions.push({
        id: redemptionId,
        member_id: id,
        reward_id: reward.id,
        points_spent: reward.points_required,
        status: 'completed',
        redeemed_at: redeemedAt,
        cancelled_at: null,
      });
      ledger.push({
        id: faker.string.uuid(),
        member_id: id,
        balance: 'points',
        type: 'redeem',
        amount: -reward.points_required,
        source: 'redemption',
        source_id: redemptionId,
        reason: reward.name,
        idempotency_key: `redemption:${redemptionId}`,
        created_at: redeemedAt,
      });
    }

    members.push({
      id,
      member_number: memberNumber,
      first_name: firstName,
      last_name: lastName,
      email: faker.internet.email({ firstName, lastName }).toLowerCase(),
      phone: faker.phone.number({ style: 'international' }),
      date_of_birth: faker.date.birthdate({ min: 21, max: 85, mode: 'age', refDate: now }),
      nationality: faker.location.country(),
      ...protectIdentityDocument(options.protector, id, documentNumber),
      tier,
      points_balance: balance,
      tier_credits: tierCredits,
      total_points_earned: earned,
      lifetime_spend: toMoney((earned * faker.number.float({ min: 0.5, max: 4 })).toFixed(2)),
      registration_date: registrationDate,
      last_visit: faker.datatype.boolean(0.9)
        ? faker.date.between({ from: registrationDate, to: now })
        : null,
      is_active: faker.datatype.boolean(0.95),
      self_excluded: faker.datatype.boolean(0.02),
      kyc_verified: faker.datatype.boolean(0.8),
      marketing_consent: faker.datatype.boolean(0.6),
      preferences: {
        language: faker.helpers.arrayElement(['en', 'si', 'ta', 'zh', 'hi']),
        favouriteGame: faker.helpers.arrayElement(['Baccarat', 'Blackjack', 'Roulette', 'Slots', 'Poker']),
        smoking: faker.datatype.boolean(0.2),
      },
      document_expiry: documentExpiry(faker, now),
    });
  }

  const exclusions = members
    .filter((m) => m.self_excluded)
    .map((m, n) => seededExclusion(m, n, now, options.timeZone));
  const comps = seededComps(members, now);
  ledger.push(...comps.entries);
  const vip = seededVipExperiences(members, now);
  ledger.push(...vip.entries);

  await insertInBatches(db, 'rewards', rewards);
  await insertInBatches(db, 'members', members);
  await insertInBatches(db, SELF_EXCLUSIONS, exclusions);
  await insertInBatches(db, 'reward_redemptions', redemptions);
  await insertInBatches(db, 'points_ledger', ledger);
  await insertInBatches(db, COMPS, comps.comps);
  await insertInBatches(db, VIP_EXPERIENCES, vip.experiences);

  return {
    members: members.map((m) => ({
      id: m.id,
      tier: m.tier,
      registrationDate: m.registration_date,
      selfExcluded: m.self_excluded,
      marketingConsent: m.marketing_consent,
      kycVerified: m.kyc_verified,
      email: m.email,
      phone: m.phone,
      firstName: m.first_name,
    })),
  };
}

const SEEDED_LENGTHS: SelfExclusionLength[] = ['SIX_MONTHS', 'ONE_YEAR', 'FIVE_YEARS', 'LIFETIME'];

/**
 * The period behind a seeded member's self-exclusion (the member's fields follow it): begun halfway between
 * registration and now, lengths taken in turn. No faker draws, so the rest of the demo data stays as it was.
 */
function seededExclusion(
  member: MemberDocument,
  n: number,
  now: Date,
  timeZone?: string,
): SelfExclusionDocument {
  const startedAt = new Date((member.registration_date.getTime() + now.getTime()) / 2);
  const length = SEEDED_LENGTHS[n % SEEDED_LENGTHS.length]!;
  const endsAt = exclusionEnd(startedAt, length, timeZone);
  member.self_exclusion_reason = 'Asked at the cage';
  member.self_exclusion_changed_at = startedAt;
  member.self_exclusion_ends_at = endsAt;
  return {
    id: `${member.id.slice(0, 24)}${String(n).padStart(12, '0')}`,
    member_id: member.id,
    length,
    started_at: startedAt,
    ends_at: endsAt,
    reason: 'Asked at the cage',
    recorded_by: 'seed',
    reinstated_at: null,
    reinstated_by: null,
  };
}
