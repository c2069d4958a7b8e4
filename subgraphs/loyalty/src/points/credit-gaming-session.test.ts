import { randomUUID } from 'node:crypto';
import { startTestGaming, unreachableService } from '@casino/gaming/testing';
import type { TestGaming, TestSession } from '@casino/gaming/testing';
import { createLoyaltySubgraph, loyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS, parseLoyaltySettings } from '../settings';
import type { MemberDocument } from '../members/member-store';
import { admin, insertMember, SERVICE } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { CreditGamingSessionDocument, GamingMemberCheckDocument } from '../__generated__/operations';
import type { CreditGamingSessionInput } from '../__generated__/operations';

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

/** A session gaming holds (through gaming's own fixtures), and the credit gaming's dispatcher sends for it. */
async function playedSession(gaming: TestGaming, session: TestSession) {
  const stored = await gaming.addSession(session);
  return {
    memberId: stored.member_id,
    sessionId: stored.id,
    theo: stored.theo?.toString() ?? '0.00',
    pointsRate: session.pointsRate ?? 1,
    endedAt: stored.session_end?.toISOString() ?? new Date().toISOString(),
  };
}

/** Starts a real gaming subgraph and a loyalty that checks its credits there before the describe's tests, stops both after. */
function startWithGaming(started: (subgraphs: { gaming: TestGaming; harness: SubgraphHarness }) => void) {
  let gaming: TestGaming;
  let harness: SubgraphHarness;
  beforeAll(async () => {
    gaming = await startTestGaming();
    harness = await startSubgraphHarness(loyaltySubgraph, { services: { gaming: gaming.client } });
    started({ gaming, harness });
  });
  afterAll(async () => {
    await harness.close();
    await gaming.stop();
  });
}

/** Loyalty's credit arithmetic, on sessions a real gaming subgraph holds (every credit is checked there). */
describe('creditGamingSession', () => {
  let gaming: TestGaming;
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const credit = (input: Record<string, unknown>, identity = SERVICE) =>
    // input as a caller may send it, malformed ones included (loyalty validates what it is sent)
    harness.execute(CreditGamingSessionDocument, { input: input as CreditGamingSessionInput }, { identity });
  /** The credit of a new session of the member that gaming holds with this theo and rate */
  const input = (memberId: string, theo: string, pointsRate = 1) =>
    playedSession(gaming, { memberId, theo, pointsRate, endedAt: new Date('2026-03-01T22:00:00.000Z') });

  startWithGaming((started) => ({ gaming, harness } = started));

  it('credits points with the tier multiplier and tier credits without it, once per session', async () => {
    const member = await insertMember(harness.db, { tier: 'Ruby' });
    const session = await input(member.id, '1000.50', 2);
    const first = await credit(session);
    expect(first.errors).toBeUndefined();
    expect(first.data!.creditGamingSession).toEqual({
      memberId: member.id,
      sessionId: session.sessionId,
      points: 2001,
      tierCredits: 2001,
      duplicate: false,
    });
    const again = await credit(session);
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
      `gaming_session:${session.sessionId}:comps`,
      `gaming_session:${session.sessionId}:points`,
      `gaming_session:${session.sessionId}:tier_credits`,
    ]);
    expect(entries.every((e) => e.type === 'earn' && e.source === 'gaming_session')).toBe(true);
  });

  it('counts concurrent retries of one session once', async () => {
    const member = await insertMember(harness.db);
    const session = await input(member.id, '100.00', 1);
    const results = await Promise.all(Array.from({ length: 10 }, () => credit(session)));
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
    const member = await insertMember(harness.db, { tier });
    const result = await credit(await input(member.id, '100.00'));
    expect(result.data!.creditGamingSession).toMatchObject({ points, tierCredits: 100 });
  });

  it('floors exact decimal products without floating point loss', async () => {
    const member = await insertMember(harness.db, { tier: 'Ruby' });
    const result = await credit(await input(member.id, '0.29', 100));
    expect(result.data!.creditGamingSession).toMatchObject({ points: 29, tierCredits: 29 });
  });

  it('moves the tier up as soon as credits cross a threshold, never down', async () => {
    const member = await insertMember(harness.db);
    await credit(await input(member.id, '4999.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('Ruby');
    await credit(await input(member.id, '1.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('Sapphire');
    await credit(await input(member.id, '80000.00'));
    expect((await members().findOne({ id: member.id }))!.tier).toBe('VIP');
    const vip = await insertMember(harness.db, { tier: 'VIP' });
    await credit(await input(vip.id, '10.00'));
    expect((await members().findOne({ id: vip.id }))!.tier).toBe('VIP');
  });

  it('keeps the balances equal to the ledger sums', async () => {
    const member = await insertMember(harness.db);
    await credit(await input(member.id, '123.45', 1.5));
    await credit(await input(member.id, '99.99', 0.5));
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

  it('names a member gaming played that loyalty does not know, and rejects a negative theo', async () => {
    const unknown = await credit(await input(randomUUID(), '10.00'));
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.memberId',
    });
    const member = await insertMember(harness.db);
    const negative = await credit({ ...(await input(member.id, '10.00')), theo: '-10.00' });
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.theo' });
    expect(await harness.db.collection('points_ledger').countDocuments({ member_id: member.id })).toBe(0);
  });

  it("is for gaming's service only", async () => {
    const member = await insertMember(harness.db);
    const session = await input(member.id, '10.00');
    for (const identity of [
      admin('SuperAdmin', null),
      { kind: 'anonymous' as const },
      { kind: 'service' as const, service: 'marketing' },
    ]) {
      const result = await credit(session, identity);
      expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(result.errors?.[0]?.extensions?.code);
    }
    expect(await harness.db.collection('points_ledger').countDocuments({ member_id: member.id })).toBe(0);
  });

  it('lets a service read what gaming needs of a member, and nothing more', async () => {
    const member = await insertMember(harness.db, { self_excluded: true, tier: 'Diamond' });
    const read = await harness.execute(GamingMemberCheckDocument, { id: member.id }, { identity: SERVICE });
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
    const unknown = await harness.execute(
      GamingMemberCheckDocument,
      { id: randomUUID() },
      { identity: SERVICE },
    );
    expect(unknown.data).toEqual({ member: null });
  });

  it('lets only Managers and above check the ledger', async () => {
    const member = await insertMember(harness.db);
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
    const member = await insertMember(harness.db, {
      tier: 'Ruby',
      points_balance: 0,
      tier_credits: 0,
      total_points_earned: 0,
    });
    const session = await input(member.id, '40.00', 1);
    const sessionId = session.sessionId;
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
    const retried = await Promise.all([1, 2, 3].map(() => credit(session)));
    for (const result of retried) expect(result.errors).toBeUndefined();
    const again = await credit(session);
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
    expect(entries.map((e) => e.applied)).toEqual([true, true, true]);
  });
});

/**
 * Loyalty never trusts a caller's numbers: a credit is posted only when gaming, which owns sessions, holds a
 * completed session of that member with exactly that theo, points rate and end.
 */
describe("creditGamingSession checked against gaming's record", () => {
  let gaming: TestGaming;
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const ledger = () => harness.db.collection('points_ledger');
  const credit = (input: Record<string, unknown>, on: SubgraphHarness = harness) =>
    on.execute(
      CreditGamingSessionDocument,
      { input: input as CreditGamingSessionInput },
      { identity: SERVICE },
    );
  const stored = (id: string) => members().findOne({ id }, { projection: { _id: 0 } });
  /** Another loyalty on the same database whose gaming is down */
  async function loyaltyWithoutGaming() {
    return startSubgraphHarness(loyaltySubgraph, {
      services: { gaming: await unreachableService() },
      env: { MONGODB_DATABASE: harness.db.databaseName },
    });
  }

  startWithGaming((started) => ({ gaming, harness } = started));

  it('refuses a forged credit for a session gaming never had, moves nothing and audits it as denied', async () => {
    const member = await insertMember(harness.db);
    const before = await stored(member.id);
    const ledgerBefore = await ledger().countDocuments();
    harness.auditEvents.length = 0;
    const sessionId = randomUUID();
    const forged = await credit({
      memberId: member.id,
      sessionId,
      theo: '5000000.00',
      pointsRate: 1,
      endedAt: '2026-03-01T22:00:00.000Z',
    });
    expect(forged.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(forged.errors![0]!.message).toMatch(/does not match gaming's record/);
    expect(forged.data).toBeNull();
    expect(await stored(member.id)).toEqual(before);
    expect(await ledger().countDocuments()).toBe(ledgerBefore);
    expect(await ledger().countDocuments({ source_id: sessionId })).toBe(0);
    expect(harness.auditEvents.map((e) => [e.action, e.outcome, e.targetId])).toEqual([
      ['creditGamingSession', 'denied', member.id],
    ]);
  });

  it.each([
    ['an inflated theo', { theo: '5000000.00' }],
    ['a theo off by a cent', { theo: '250.01' }],
    ['another points rate', { pointsRate: 10 }],
    ['another end', { endedAt: '2026-03-01T22:01:00.000Z' }],
  ])('refuses a real session sent with %s, then credits the true one', async (_, change) => {
    const member = await insertMember(harness.db);
    const session = await playedSession(gaming, {
      memberId: member.id,
      theo: '250.00',
      pointsRate: 2,
      endedAt: new Date('2026-03-01T22:00:00.000Z'),
    });
    const before = await stored(member.id);
    const refused = await credit({ ...session, ...change });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await stored(member.id)).toEqual(before);
    expect(await ledger().countDocuments({ source_id: session.sessionId })).toBe(0);
    // the session itself was creditable: only the changed number was refused
    const real = await credit(session);
    expect(real.data!.creditGamingSession).toMatchObject({ points: 500, tierCredits: 500, duplicate: false });
    expect(await stored(member.id)).toMatchObject({ points_balance: 500, tier_credits: 500 });
  });

  it("refuses crediting another member's session to a member", async () => {
    const player = await insertMember(harness.db);
    const other = await insertMember(harness.db);
    const session = await playedSession(gaming, { memberId: player.id, theo: '300.00' });
    const before = [await stored(player.id), await stored(other.id)];
    const refused = await credit({ ...session, memberId: other.id });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect([await stored(player.id), await stored(other.id)]).toEqual(before);
    expect(await ledger().countDocuments({ source_id: session.sessionId })).toBe(0);
  });

  it('refuses a session still being played', async () => {
    const member = await insertMember(harness.db);
    const session = await playedSession(gaming, { memberId: member.id, active: true });
    const refused = await credit({ ...session, theo: '100.00' });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await stored(member.id)).toMatchObject({ points_balance: 0, tier_credits: 0 });
    expect(await ledger().countDocuments({ member_id: member.id })).toBe(0);
  });

  it('credits the real session once; a retry is answered from the ledger even with gaming down', async () => {
    const member = await insertMember(harness.db);
    const session = await playedSession(gaming, { memberId: member.id, theo: '120.00', pointsRate: 1 });
    const first = await credit(session);
    expect(first.data!.creditGamingSession).toMatchObject({
      points: 120,
      tierCredits: 120,
      duplicate: false,
    });
    const offline = await loyaltyWithoutGaming();
    try {
      const retry = await credit(session, offline);
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.creditGamingSession).toMatchObject({
        points: 120,
        tierCredits: 120,
        duplicate: true,
      });
      // a replay of the applied session with other numbers gets the recorded credit, and nothing moves
      const replay = await credit({ ...session, theo: '5000000.00' }, offline);
      expect(replay.data!.creditGamingSession).toMatchObject({ points: 120, duplicate: true });
    } finally {
      await offline.close({ keepDatabase: true });
    }
    expect(await stored(member.id)).toMatchObject({ points_balance: 120, tier_credits: 120 });
    // points, tier credits and the comp accrual
    expect(await ledger().countDocuments({ source_id: session.sessionId })).toBe(3);
  });

  it('answers SERVICE_UNAVAILABLE while gaming cannot be reached, crediting nothing', async () => {
    const member = await insertMember(harness.db);
    const session = await playedSession(gaming, { memberId: member.id, theo: '80.00' });
    const offline = await loyaltyWithoutGaming();
    try {
      const result = await credit(session, offline);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      await offline.close({ keepDatabase: true });
    }
    expect(await stored(member.id)).toMatchObject({ points_balance: 0, tier_credits: 0 });
    expect(await ledger().countDocuments({ member_id: member.id })).toBe(0);
    // once gaming answers again the dispatcher's next attempt goes through
    expect((await credit(session)).data!.creditGamingSession).toMatchObject({ points: 80 });
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
