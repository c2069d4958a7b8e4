import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { GAMING_SESSION_FOR_CREDIT, HOST_PORTFOLIO_THEO } from '@casino/loyalty';
import { toMoney } from '@casino/mongo';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import {
  AnalyticsPlayProfilesDocument,
  ComplianceCashCountsDocument,
  CompliancePlayVolumesDocument,
  ComplianceResponsibleGamingDocument,
} from './__generated__/operations';
import { gamingSubgraph } from './index';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from './testing/fixtures';

const COMPLIANCE: Identity = { kind: 'service', service: 'compliance' };
const MARKETING: Identity = { kind: 'service', service: 'marketing' };
const LOYALTY: Identity = { kind: 'service', service: 'loyalty' };

/**
 * Gaming's side of the reads compliance's reports and dashboard and marketing's analytics send
 * (operations/*.graphql): each document its callers import, run as the calling service.
 */
describe('gaming operations as other subgraphs send them', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const [whale, regular] = [randomUUID(), randomUUID()];
  const big = sessionFixture(types.baccarat, {
    member_id: whale,
    session_start: new Date('2025-03-01T20:00:00Z'),
    session_end: new Date('2025-03-01T23:00:00Z'),
    buy_in_amount: toMoney('6000.00'),
    cash_out_amount: toMoney('2500.25'),
  });
  const small = sessionFixture(types.blackjack, {
    member_id: regular,
    session_start: new Date('2025-03-02T10:00:00Z'),
    session_end: new Date('2025-03-02T11:00:00Z'),
    buy_in_amount: toMoney('300.00'),
    cash_out_amount: toMoney('0.00'),
  });
  const window = { from: '2025-03-01T06:00:00.000Z', to: '2025-03-03T06:00:00.000Z' };

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [big, small]);
  });
  afterAll(() => harness.close());

  it("answers compliance's play volumes and cash counts", async () => {
    const volumes = await harness.execute(
      CompliancePlayVolumesDocument,
      { ...window, minBuyIn: '1000.00' },
      { identity: COMPLIANCE },
    );
    expect(volumes.errors).toBeUndefined();
    expect(volumes.data!.compliancePlayVolumes).toEqual([
      { memberId: whale, buyIn: '6000.00', sessionCount: 1 },
    ]);
    const counts = await harness.execute(
      ComplianceCashCountsDocument,
      { ...window, dayStartHour: 6, ctrThreshold: '5000.00', mtlThreshold: '3000.00' },
      { identity: COMPLIANCE },
    );
    expect(counts.errors).toBeUndefined();
    // the whale's 6000.00 cash-in on 2025-03-01 reaches both thresholds; nothing else does
    expect(counts.data!.complianceCashCounts).toEqual({ ctrCount: 1, mtlCount: 1 });
  });

  it("answers compliance's responsible-gaming summary with a watched member's session ids, the earliest 50", async () => {
    const watched = randomUUID();
    // 55 sessions an hour apart from 4 March, inserted latest first
    const sessions = Array.from({ length: 55 }, (_, i) =>
      sessionFixture(types.blackjack, {
        member_id: watched,
        session_start: new Date(Date.UTC(2025, 2, 4, 0) + i * 3_600_000),
        session_end: new Date(Date.UTC(2025, 2, 4, 0, 30) + i * 3_600_000),
      }),
    );
    await insertSessions(harness.db, [...sessions].reverse());
    const result = await harness.execute(
      ComplianceResponsibleGamingDocument,
      {
        from: '2025-03-01T00:00:00.000Z',
        to: '2025-03-10T00:00:00.000Z',
        dayStartHour: 6,
        longSessionMinutes: 600,
        largeLoss: '100000.00',
        watchMemberIds: [watched, whale, randomUUID()],
        asOf: '2025-03-10T00:00:00.000Z',
      },
      { identity: COMPLIANCE },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.responsibleGamingSummary.watchedMembers).toEqual(
      [
        {
          memberId: watched,
          sessionCount: 55,
          firstSessionAt: '2025-03-04T00:00:00.000Z',
          sessionIds: sessions.slice(0, 50).map((x) => x.id),
        },
        {
          memberId: whale,
          sessionCount: 1,
          firstSessionAt: big.session_start.toISOString(),
          sessionIds: [big.id],
        },
      ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
    );
  });

  it("answers marketing's play profiles page", async () => {
    const page = await harness.execute(
      AnalyticsPlayProfilesDocument,
      { window, first: 10, longSessionMinutes: 120, topGames: 3 },
      { identity: MARKETING },
    );
    expect(page.errors).toBeUndefined();
    const { profiles, hasNextPage } = page.data!.memberPlayProfiles;
    expect(hasNextPage).toBe(false);
    expect(
      profiles.map(({ memberId, sessions, totalBuyIn, favoriteGames }) => ({
        memberId,
        sessions,
        totalBuyIn,
        favoriteGames,
      })),
    ).toEqual(
      [
        { memberId: whale, sessions: 1, totalBuyIn: '6000.00', favoriteGames: ['baccarat'] },
        { memberId: regular, sessions: 1, totalBuyIn: '300.00', favoriteGames: ['blackjack'] },
      ].sort((a, b) => a.memberId.localeCompare(b.memberId)),
    );
  });

  it("answers loyalty's theo of a host's members (loyalty's own document), zero for a member without sessions", async () => {
    const nobody = randomUUID();
    const window = { from: '2025-01-01T00:00:00.000Z', to: '2025-12-31T00:00:00.000Z' };
    const result = await harness.execute<{
      membersTheo: { memberId: string; theo: string; sessions: number; lastSessionEnd: string | null }[];
    }>(HOST_PORTFOLIO_THEO, { memberIds: [whale, nobody], window }, { identity: LOYALTY });
    expect(result.errors).toBeUndefined();
    expect(result.data!.membersTheo).toEqual([
      {
        memberId: whale,
        theo: big.theo!.toString(),
        sessions: 1,
        lastSessionEnd: big.session_end!.toISOString(),
      },
      { memberId: nobody, theo: '0.00', sessions: 0, lastSessionEnd: null },
    ]);
    const empty = await harness.execute(
      HOST_PORTFOLIO_THEO,
      { memberIds: [whale], window: { from: window.to, to: window.from } },
      { identity: LOYALTY },
    );
    expect(empty.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it("answers loyalty's credit check of a session (loyalty's own document: gaming already depends on loyalty)", async () => {
    const known = await harness.execute(GAMING_SESSION_FOR_CREDIT, { id: big.id }, { identity: LOYALTY });
    expect(known.errors).toBeUndefined();
    expect(known.data).toMatchObject({ gamingSessionForCredit: { id: big.id, memberId: whale } });
    const unknown = await harness.execute(
      GAMING_SESSION_FOR_CREDIT,
      { id: randomUUID() },
      { identity: LOYALTY },
    );
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ gamingSessionForCredit: null });
  });

  it('refuses an admin signed in at the gateway', async () => {
    const page = await harness.execute(
      AnalyticsPlayProfilesDocument,
      { window, first: 10, longSessionMinutes: 120, topGames: 3 },
      { identity: testIdentity('Manager') },
    );
    expect(page.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
