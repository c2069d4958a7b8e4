import { randomUUID } from 'node:crypto';
import { createLoyaltySubgraph, loyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS, parseLoyaltySettings } from '../settings';
import type { MemberDocument } from '../members/member-store';
import { admin, memberDocument, SERVICE } from '../test-support/fixtures';
import { startSubgraphHarness } from '../../../../tests/support/subgraph-harness';
import type { SubgraphHarness } from '../../../../tests/support/subgraph-harness';

const CREDIT = /* GraphQL */ `
  mutation Credit($input: CreditGamingSessionInput!) {
    creditGamingSession(input: $input) {
      memberId
      sessionId
      points
      tierCredits
      duplicate
    }
  }
`;

const CHECK = /* GraphQL */ `
  query Check($memberId: ID!) {
    memberLedgerCheck(memberId: $memberId) {
      pointsBalance
      pointsLedgerSum
      tierCredits
      tierCreditsLedgerSum
      consistent
    }
  }
`;

const SERVICE_READ = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      id
      isActive
      selfExcluded
      tier
    }
  }
`;

describe('creditGamingSession', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const credit = (input: Record<string, unknown>, identity = SERVICE) =>
    harness.execute<{ creditGamingSession: Record<string, unknown> }>(CREDIT, { input }, { identity });
  const input = (memberId: string, theo: string, pointsRate = 1, sessionId: string = randomUUID()) => ({
    memberId,
    sessionId,
    theo,
    pointsRate,
    endedAt: '2026-03-01T22:00:00.000Z',
  });
  async function insertMember(overrides: Partial<MemberDocument> = {}) {
    const member = memberDocument(overrides);
    await members().insertOne({ ...member });
    return member;
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('credits points with the tier multiplier and tier credits without it, once per session', async () => {
    const member = await insertMember({ tier: 'Ruby' });
    const first = await credit(input(member.id, '1000.50', 2, 'session-1'));
    expect(first.errors).toBeUndefined();
    expect(first.data!.creditGamingSession).toEqual({
      memberId: member.id,
      sessionId: 'session-1',
      points: 2001,
      tierCredits: 2001,
      duplicate: false,
    });
    const again = await credit(input(member.id, '1000.50', 2, 'session-1'));
    expect(again.errors).toBeUndefined();
    expect(again.data!.creditGamingSession).toMatchObject({
      points: 2001,
      tierCredits: 2001,
      duplicate: true,
    });
    const stored = await members().findOne({ id: member.id });
    expect(stored).toMatchObject({ points_balance: 2001, tier_credits: 2001, total_points_earned: 2001 });
    expect(stored!.last_visit).toEqual(new Date('2026-03-01T22:00:00.000Z'));
    const entries = await harness.db.collection('points_ledger').find({ member_id: member.id }).toArray();
    expect(entries.map((e) => e.idempotency_key).sort()).toEqual([
      'gaming_session:session-1:points',
      'gaming_session:session-1:tier_credits',
    ]);
    expect(entries.every((e) => e.type === 'earn' && e.source === 'gaming_session')).toBe(true);
  });

  it('counts concurrent retries of one session once', async () => {
    const member = await insertMember();
    const sessionId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => credit(input(member.id, '100.00', 1, sessionId))),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    expect(results.filter((r) => !r.data!.creditGamingSession.duplicate)).toHaveLength(1);
    expect(await members().findOne({ id: member.id })).toMatchObject({
      points_balance: 100,
      tier_credits: 100,
    });
  });

  it.each([
    ['Sapphire', 125],
    ['Diamond', 150],
    ['VIP', 200],
  ] as const)('applies the %s multiplier to points only', async (tier, points) => {
    const member = await insertMember({ tier });
    const result = await credit(input(member.id, '100.00'));
    expect(result.data!.creditGamingSession).toMatchObject({ points, tierCredits: 100 });
  });

  it('floors exact decimal products without floating point loss', async () => {
    const member = await insertMember({ tier: 'Ruby' });
    const result = await credit(input(member.id, '0.29', 100));
    expect(result.data!.creditGamingSession).toMatchObject({ points: 29, tierCredits: 29 });
  });

  it('moves the tier up as soon as credits cross a threshold, never down', async () => {
    const member = await insertMember();
    await credit(input(member.id, '4999.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('Ruby');
    await credit(input(member.id, '1.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('Sapphire');
    await credit(input(member.id, '80000.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('VIP');
    const vip = await insertMember({ tier: 'VIP' });
    await credit(input(vip.id, '10.00'));
    expect((await members().findOne({ id: vip.id }))!.tier).toBe('VIP');
  });

  it('keeps the balances equal to the ledger sums', async () => {
    const member = await insertMember();
    await credit(input(member.id, '123.45', 1.5));
    await credit(input(member.id, '99.99', 0.5));
    const check = await harness.execute(CHECK, { memberId: member.id });
    expect(check.errors).toBeUndefined();
    expect(check.data).toEqual({
      memberLedgerCheck: {
        pointsBalance: 234,
        pointsLedgerSum: 234,
        tierCredits: 234,
        tierCreditsLedgerSum: 234,
        consistent: true,
      },
    });
  });

  it('names an unknown member and rejects a negative theo', async () => {
    const unknown = await credit(input(randomUUID(), '10.00'));
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.memberId',
    });
    const member = await insertMember();
    const negative = await credit(input(member.id, '-10.00'));
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.theo' });
    expect(await harness.db.collection('points_ledger').countDocuments({ member_id: member.id })).toBe(0);
  });

  it('is for services only', async () => {
    const member = await insertMember();
    for (const identity of [admin('SuperAdmin', null), { kind: 'anonymous' as const }]) {
      const result = await credit(input(member.id, '10.00'), identity);
      expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(result.errors?.[0]?.extensions?.code);
    }
    expect(await harness.db.collection('points_ledger').countDocuments({ member_id: member.id })).toBe(0);
  });

  it('lets a service read what gaming needs of a member, and nothing more', async () => {
    const member = await insertMember({ self_excluded: true, tier: 'Diamond' });
    const read = await harness.execute(SERVICE_READ, { id: member.id }, { identity: SERVICE });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      member: { id: member.id, isActive: true, selfExcluded: true, tier: 'Diamond' },
    });
    const more = await harness.execute(
      `query ($id: ID!) { member(id: $id) { id email } }`,
      { id: member.id },
      { identity: SERVICE },
    );
    expect(more.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await harness.execute(SERVICE_READ, { id: randomUUID() }, { identity: SERVICE });
    expect(unknown.data).toEqual({ member: null });
  });

  it('lets only Managers and above check the ledger', async () => {
    const member = await insertMember();
    const supervisor = await harness.execute(
      CHECK,
      { memberId: member.id },
      { identity: admin('Supervisor') },
    );
    expect(supervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const manager = await harness.execute(CHECK, { memberId: member.id }, { identity: admin('Manager') });
    expect(manager.errors).toBeUndefined();
  });

  it('finishes a credit whose first attempt died after recording it, and applies it once', async () => {
    const member = await insertMember({
      tier: 'Ruby',
      points_balance: 0,
      tier_credits: 0,
      total_points_earned: 0,
    });
    const sessionId = randomUUID();
    // the first attempt recorded the points entry and crashed before the balance moved
    await harness.db.collection('points_ledger').insertOne({
      id: randomUUID(),
      member_id: member.id,
      balance: 'points',
      type: 'earn',
      amount: 40,
      source: 'gaming_session',
      source_id: sessionId,
      reason: null,
      idempotency_key: `gaming_session:${sessionId}:points`,
      applied: false,
      created_at: new Date(),
    });
    const retried = await Promise.all([1, 2, 3].map(() => credit(input(member.id, '40.00', 1, sessionId))));
    for (const result of retried) expect(result.errors).toBeUndefined();
    const again = await credit(input(member.id, '40.00', 1, sessionId));
    expect(again.data!.creditGamingSession).toMatchObject({ points: 40, tierCredits: 40, duplicate: true });

    const stored = await members().findOne({ id: member.id });
    expect(stored).toMatchObject({ points_balance: 40, tier_credits: 40, total_points_earned: 40 });
    const check = await harness.execute<{ memberLedgerCheck: { consistent: boolean } }>(
      CHECK,
      { memberId: member.id },
      {
        identity: admin('Manager'),
      },
    );
    expect(check.data!.memberLedgerCheck.consistent).toBe(true);
    const entries = await harness.db.collection('points_ledger').find({ source_id: sessionId }).toArray();
    expect(entries.map((e) => e.applied)).toEqual([true, true]);
  });
});

describe('loyalty settings', () => {
  it('defaults to the product rules and reads overrides from the environment', () => {
    expect(parseLoyaltySettings({})).toEqual(DEFAULT_LOYALTY_SETTINGS);
    const custom = parseLoyaltySettings({ LOYALTY_THRESHOLD_SAPPHIRE: '1000', LOYALTY_MULTIPLIER_VIP: '3' });
    expect(custom.tierThresholds.Sapphire).toBe(1000);
    expect(custom.tierMultipliers.VIP).toBe(3);
    expect(() => parseLoyaltySettings({ LOYALTY_THRESHOLD_SAPPHIRE: '30000' })).toThrow(/thresholds/);
  });

  it('builds a subgraph with custom settings', () => {
    const custom = createLoyaltySubgraph({ ...DEFAULT_LOYALTY_SETTINGS, managerAdjustmentLimit: 5 });
    expect(custom.name).toBe('loyalty');
  });
});
