import { subgraphJobs } from '@casino/server';
import { randomUUID } from 'node:crypto';
import type { ServiceClient } from '@casino/auth';
import { createLogger } from '@casino/logger';
import { startScheduler } from '@casino/scheduler';
import { createGamingSubgraph, dispatchPendingCredits, gamingSubgraph, parseGamingSettings } from '../index';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import { insertGameTypes, standardGameTypes } from '../testing/fixtures';
import { unreachableService } from '../testing/dead-service';
import { startTestLoyalty } from '../testing/loyalty';
import type { TestLoyalty } from '../testing/loyalty';
import { theoCents } from './session-service';
import { startServedSubgraph, startSubgraphHarness, uniqueDatabase } from '@casino/testing';
import type { ServedSubgraph, SubgraphHarness } from '@casino/testing';

const START = /* GraphQL */ `
  mutation Start($input: StartGamingSessionInput!) {
    startGamingSession(input: $input) {
      id
    }
  }
`;

const END = /* GraphQL */ `
  mutation End($input: EndGamingSessionInput!) {
    endGamingSession(input: $input) {
      id
      status
      sessionStart
      sessionEnd
      buyInAmount
      cashOutAmount
      netResult
      averageBet
      coinIn
      theo
      durationMinutes
      pointsEarned
      tierCredits
      creditStatus
    }
  }
`;

interface EndResult {
  endGamingSession: Record<string, unknown> & { id: string };
}

describe('theoCents', () => {
  const types = standardGameTypes();
  it('multiplies average bet, pace, hours and house edge exactly, rounding once', () => {
    // 25.00 x 72 x 2h x 0.0106 = 38.16
    expect(
      theoCents(types.baccarat, { averageBetCents: 2500n, coinInCents: null, durationMs: 7_200_000 }),
    ).toBe(3816n);
    // 10.00 x 60 x 0.5h x 0.005 = 1.50
    expect(
      theoCents(types.blackjack, { averageBetCents: 1000n, coinInCents: null, durationMs: 1_800_000 }),
    ).toBe(150n);
    // 33.33 x 72 x (1/3)h x 0.0106 = 8.4791... -> 8.48
    expect(
      theoCents(types.baccarat, { averageBetCents: 3333n, coinInCents: null, durationMs: 1_200_000 }),
    ).toBe(848n);
  });

  it('takes coin-in times hold for machines', () => {
    // 1234.56 x 0.08 = 98.7648 -> 98.76
    expect(theoCents(types.slots, { averageBetCents: null, coinInCents: 123456n, durationMs: 1 })).toBe(
      9876n,
    );
    // 0.1 + 0.2 style binary noise must not leak: 0.07 hold on 0.10 is 0.007 -> 0.01
    expect(
      theoCents(
        { ...types.slots, hold_pct: 0.07 },
        { averageBetCents: null, coinInCents: 10n, durationMs: 1 },
      ),
    ).toBe(1n);
  });
});

describe('parseGamingSettings', () => {
  it('has defaults and reads the environment', () => {
    expect(parseGamingSettings({})).toEqual(DEFAULT_GAMING_SETTINGS);
    expect(
      parseGamingSettings({
        GAMING_CREDIT_DISPATCH_INTERVAL_MS: '50',
        GAMING_CREDIT_RETRY_BASE_MS: '10',
        GAMING_CREDIT_RETRY_MAX_MS: '40',
        GAMING_CREDIT_BATCH_SIZE: '7',
      }),
    ).toEqual({
      ...DEFAULT_GAMING_SETTINGS,
      creditDispatchIntervalMs: 50,
      creditRetryBaseMs: 10,
      creditRetryMaxMs: 40,
      creditBatchSize: 7,
    });
    expect(() => parseGamingSettings({ GAMING_CREDIT_BATCH_SIZE: '0' })).toThrow();
    expect(parseGamingSettings({ PROPERTY_TIME_ZONE: 'Asia/Kolkata' }).timeZone).toBe('Asia/Kolkata');
    expect(() => parseGamingSettings({ PROPERTY_TIME_ZONE: 'Asia/Calcutt' })).toThrow(/PROPERTY_TIME_ZONE/);
    expect(() => parseGamingSettings({ GAMING_LOCAL_UTC_OFFSET_MINUTES: '330' })).toThrow(
      /PROPERTY_TIME_ZONE/,
    );
  });
});

describe('endGamingSession', () => {
  let harness: SubgraphHarness;
  let loyalty: ServiceClient;
  let realLoyalty: TestLoyalty;
  const sessions = () => harness.db.collection('gaming_sessions');
  const memberId = randomUUID();
  let seat = 0;

  async function startTable(minutesAgo = 120, buyInAmount = '1000.00'): Promise<string> {
    seat = (seat % 14) + 1;
    const result = await harness.execute<{ startGamingSession: { id: string } }>(START, {
      input: {
        memberId,
        gameTypeCode: 'baccarat',
        tableNumber: `BAC-${Math.ceil(Math.random() * 1e6)}`,
        seatNumber: seat,
        buyInAmount,
        startedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.startGamingSession.id;
  }

  async function startMachine(machineNumber: string): Promise<string> {
    const result = await harness.execute<{ startGamingSession: { id: string } }>(START, {
      input: { memberId, gameTypeCode: 'slots', machineNumber, buyInAmount: '200' },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.startGamingSession.id;
  }

  let gamingApi: ServedSubgraph;

  beforeAll(async () => {
    loyalty = await unreachableService();
    // loyalty checks every credit with gaming over HTTP: gaming's API served on the harness's database
    // (without its background dispatcher, which the tests below run by hand)
    const database = uniqueDatabase('gaming');
    gamingApi = await startServedSubgraph(
      { ...gamingSubgraph, jobs: undefined },
      { env: { MONGODB_DATABASE: database } },
    );
    realLoyalty = await startTestLoyalty({ gamingUrl: gamingApi.running.url });
    await realLoyalty.addMember({ id: memberId });
    // sessions start against the real loyalty; the credit tests deliver to the unreachable one
    harness = await startSubgraphHarness(gamingSubgraph, {
      services: { loyalty: realLoyalty.client },
      env: { MONGODB_DATABASE: database },
    });
    await insertGameTypes(harness.db, Object.values(standardGameTypes()));
  });
  afterAll(async () => {
    await harness.close();
    await gamingApi.stop();
    await realLoyalty.stop();
  });

  it('settles a table session: net result, duration and theo from the game type, credit queued', async () => {
    const id = await startTable(150, '1000.00');
    const stored = await sessions().findOne({ id });
    const endedAt = new Date(stored!.session_start.getTime() + 2 * 3_600_000);
    const result = await harness.execute<EndResult>(END, {
      input: { sessionId: id, cashOutAmount: '1250.50', averageBet: '25', endedAt: endedAt.toISOString() },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.endGamingSession).toMatchObject({
      id,
      status: 'completed',
      sessionEnd: endedAt.toISOString(),
      buyInAmount: '1000.00',
      cashOutAmount: '1250.50',
      netResult: '250.50',
      averageBet: '25.00',
      coinIn: null,
      theo: '38.16',
      durationMinutes: 120,
      pointsEarned: 0,
      tierCredits: null,
      creditStatus: 'pending',
    });
    const after = await sessions().findOne({ id });
    expect(after).not.toHaveProperty('seat_lock');
    expect(after!.credit).toMatchObject({ status: 'pending', attempts: 0 });
    expect(after!.credit.next_attempt_at).toBeInstanceOf(Date);
    expect(after!.theo.toString()).toBe('38.16');
  });

  it('records the before and after of the ending in the audit trail', async () => {
    const id = await startTable(30);
    harness.auditEvents.length = 0;
    await harness.execute(END, { input: { sessionId: id, cashOutAmount: '0', averageBet: '10' } });
    const event = harness.auditEvents.at(-1)!;
    expect(event).toMatchObject({ action: 'endGamingSession', targetType: 'GamingSession', targetId: id });
    expect(JSON.stringify(event)).toContain('completed');
  });

  it('settles a machine session with coin-in times hold and frees the machine', async () => {
    const id = await startMachine('SL-5000');
    const result = await harness.execute<EndResult>(END, {
      input: { sessionId: id, cashOutAmount: '150.25', coinIn: '1234.56' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.endGamingSession).toMatchObject({
      netResult: '-49.75',
      coinIn: '1234.56',
      averageBet: null,
      theo: '98.76',
      creditStatus: 'pending',
    });
    const again = await harness.execute(START, {
      input: { memberId, gameTypeCode: 'slots', machineNumber: 'SL-5000', buyInAmount: '20' },
    });
    expect(again.errors).toBeUndefined();
  });

  it('refuses to end a session twice as CONFLICT, leaving the first settlement alone', async () => {
    const id = await startTable(60);
    const first = await harness.execute(END, {
      input: { sessionId: id, cashOutAmount: '900', averageBet: '20' },
    });
    expect(first.errors).toBeUndefined();
    const settled = await sessions().findOne({ id }, { projection: { _id: 0 } });
    const second = await harness.execute(END, {
      input: { sessionId: id, cashOutAmount: '5000', averageBet: '500' },
    });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.sessionId' });
    expect(await sessions().findOne({ id }, { projection: { _id: 0 } })).toEqual(settled);
  });

  it('lets exactly one of many simultaneous endings win', async () => {
    const id = await startTable(60);
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        harness.execute(END, { input: { sessionId: id, cashOutAmount: `${100 + i}`, averageBet: '10' } }),
      ),
    );
    expect(attempts.filter((a) => !a.errors)).toHaveLength(1);
    expect(attempts.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(7);
  });

  it('answers NOT_FOUND for an unknown session', async () => {
    const result = await harness.execute(END, {
      input: { sessionId: randomUUID(), cashOutAmount: '1', averageBet: '1' },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    ['a negative cash-out', { cashOutAmount: '-1' }, 'input.cashOutAmount'],
    ['a table game without an average bet', { averageBet: null }, 'input.averageBet'],
    ['a zero average bet', { averageBet: '0' }, 'input.averageBet'],
    ['coin-in at a table', { coinIn: '100' }, 'input.coinIn'],
    [
      'an end before the start',
      { endedAt: new Date(Date.now() - 5 * 3_600_000).toISOString() },
      'input.endedAt',
    ],
    ['an end in the future', { endedAt: new Date(Date.now() + 3_600_000).toISOString() }, 'input.endedAt'],
    ['a session id that is not a UUID', { sessionId: 'session-1' }, 'input.sessionId'],
  ])('refuses %s as BAD_USER_INPUT and leaves the session active', async (_, change, field) => {
    const id = await startTable(60);
    const result = await harness.execute(END, {
      input: { sessionId: id, cashOutAmount: '10', averageBet: '10', ...change },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const stored = await sessions().findOne({ id });
    expect(stored).toMatchObject({ status: 'active' });
    expect(stored).not.toHaveProperty('credit');
  });

  it('refuses a machine ending without coin-in', async () => {
    const id = await startMachine('SL-5001');
    const result = await harness.execute(END, { input: { sessionId: id, cashOutAmount: '10' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.coinIn' });
  });

  describe('credit outbox with loyalty unreachable', () => {
    const settings = { creditBatchSize: 500, creditRetryBaseMs: 1_000, creditRetryMaxMs: 4_000 };

    it('keeps every credit pending, counts attempts and backs off, losing nothing', async () => {
      const id = await startTable(45);
      await harness.execute(END, { input: { sessionId: id, cashOutAmount: '10', averageBet: '10' } });
      const pending = await sessions().countDocuments({ 'credit.status': 'pending' });
      expect(pending).toBeGreaterThan(0);

      let now = new Date();
      const first = await dispatchPendingCredits(harness.db, loyalty, settings, undefined, () => now);
      expect(first).toEqual({ delivered: 0, failed: pending, dead: 0 });
      let stored = await sessions().findOne({ id });
      expect(stored!.credit).toMatchObject({ status: 'pending', attempts: 1 });
      expect(stored!.credit.next_attempt_at.getTime()).toBe(now.getTime() + 1_000);
      expect(stored!.credit.last_error).toMatchObject({
        code: 'UNREACHABLE',
        message: expect.stringContaining('unreachable'),
      });

      // not due yet: nothing is tried
      expect(await dispatchPendingCredits(harness.db, loyalty, settings, undefined, () => now)).toEqual({
        delivered: 0,
        failed: 0,
        dead: 0,
      });

      // due again: attempts grow and the wait doubles up to the cap
      const waits: number[] = [];
      for (let attempt = 2; attempt <= 4; attempt += 1) {
        now = new Date(stored!.credit.next_attempt_at.getTime());
        await dispatchPendingCredits(harness.db, loyalty, settings, undefined, () => now);
        stored = await sessions().findOne({ id });
        expect(stored!.credit).toMatchObject({ status: 'pending', attempts: attempt });
        waits.push(stored!.credit.next_attempt_at.getTime() - now.getTime());
      }
      expect(waits).toEqual([2_000, 4_000, 4_000]);
      expect(await sessions().countDocuments({ 'credit.status': 'pending' })).toBe(pending);
      expect(stored).toMatchObject({ points_earned: 0, status: 'completed' });
    });

    it('is run by the background job started with the subgraph, on its configured interval', async () => {
      const id = await startTable(20);
      await harness.execute(END, { input: { sessionId: id, cashOutAmount: '10', averageBet: '10' } });
      const definition = createGamingSubgraph({
        ...DEFAULT_GAMING_SETTINGS,
        creditDispatchIntervalMs: 20,
        creditBatchSize: 500,
        creditRetryBaseMs: 0,
        creditRetryMaxMs: 0,
      });
      const jobs = await startScheduler({
        db: harness.db,
        jobs: subgraphJobs(definition, {
          db: harness.db,
          // the services built with the jobs include the dashboard cache, which reads its settings
          env: { OUTBOX_MAX_ATTEMPTS: 10, DASHBOARD_CACHE_MAX_ENTRIES: 1, DASHBOARD_CACHE_TTL_SECONDS: 0 },
          logger: createLogger({ name: 'gaming', level: 'silent' }),
          services: { loyalty },
        } as never),
      });
      try {
        const deadline = Date.now() + 10_000;
        let attempts = 0;
        while (attempts < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          attempts = (await sessions().findOne({ id }))!.credit.attempts;
        }
        expect(attempts).toBeGreaterThanOrEqual(2);
      } finally {
        await jobs.stop();
      }
      expect(await sessions().findOne({ id })).toMatchObject({ credit: { status: 'pending' } });
    });
  });

  describe('credit outbox with the real loyalty', () => {
    it('delivers the credit once, records points and tier credits, and a repeat changes nothing', async () => {
      const member = await realLoyalty.addMember();
      const started = await harness.execute<{ startGamingSession: { id: string } }>(START, {
        input: {
          memberId: member,
          gameTypeCode: 'baccarat',
          tableNumber: 'BAC-DELIVER',
          buyInAmount: '500',
          startedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
        },
      });
      const id = started.data!.startGamingSession.id;
      const stored = await sessions().findOne({ id });
      await harness.execute(END, {
        input: {
          sessionId: id,
          cashOutAmount: '400',
          averageBet: '25',
          endedAt: new Date(stored!.session_start.getTime() + 2 * 3_600_000).toISOString(),
        },
      });
      // other tests' sessions are pending for unknown members: make only this one due
      await sessions().updateMany(
        { id: { $ne: id }, 'credit.status': 'pending' },
        { $set: { 'credit.next_attempt_at': new Date(Date.now() + 3_600_000) } },
      );
      const summary = await dispatchPendingCredits(harness.db, realLoyalty.client);
      expect(summary).toEqual({ delivered: 1, failed: 0, dead: 0 });

      const READ = /* GraphQL */ `
        query ($id: ID!) {
          gamingSession(id: $id) {
            theo
            pointsEarned
            tierCredits
            creditStatus
          }
        }
      `;
      const read = await harness.execute(READ, { id });
      // theo 38.16 x points rate 1 x Ruby multiplier 1.0
      expect(read.data).toEqual({
        gamingSession: { theo: '38.16', pointsEarned: 38, tierCredits: 38, creditStatus: 'delivered' },
      });
      const balance = async () =>
        realLoyalty.db.collection('members').findOne({ id: member }, { projection: { _id: 0 } });
      expect(await balance()).toMatchObject({ points_balance: 38, tier_credits: 38 });

      // a lost answer makes the dispatcher send again: loyalty's idempotency keys keep it at one credit
      await sessions().updateOne(
        { id },
        { $set: { 'credit.status': 'pending', 'credit.next_attempt_at': new Date(0) } },
      );
      expect(await dispatchPendingCredits(harness.db, realLoyalty.client)).toEqual({
        delivered: 1,
        failed: 0,
        dead: 0,
      });
      expect(await balance()).toMatchObject({ points_balance: 38, tier_credits: 38 });
      expect(await dispatchPendingCredits(harness.db, realLoyalty.client)).toEqual({
        delivered: 0,
        failed: 0,
        dead: 0,
      });
    });
  });
});
