import { MongoClient } from 'mongodb';
import type { Document } from 'mongodb';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const AS_MANAGER = { as: IDENTITIES.Manager };

const START = /* GraphQL */ `
  mutation ($input: StartGamingSessionInput!) {
    startGamingSession(input: $input) {
      id
      status
    }
  }
`;
const END = /* GraphQL */ `
  mutation ($input: EndGamingSessionInput!) {
    endGamingSession(input: $input) {
      id
      status
      theo
      creditStatus
    }
  }
`;
const SESSION = /* GraphQL */ `
  query ($id: ID!) {
    gamingSession(id: $id) {
      id
      creditStatus
      pointsEarned
      tierCredits
      theo
    }
  }
`;
const MEMBER = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      pointsBalance
      tierCredits
    }
    memberLedgerCheck(memberId: $id) {
      consistent
      pointsBalance
      pointsLedgerSum
    }
  }
`;

interface SessionView {
  creditStatus: string | null;
  pointsEarned: number;
  tierCredits: number | null;
  theo: string | null;
}

/**
 * Points earned at a machine are credited in loyalty by gaming's outbox, through loyalty's API: exactly once,
 * and eventually even when loyalty was down when the session ended.
 */
describe('gaming credits loyalty points exactly once, eventually', () => {
  let stack: TestStack;
  let client: MongoClient;
  let memberId = '';
  let machine = 0;

  beforeAll(async () => {
    stack = await startTestStack({
      seedMembers: 10,
      env: {
        GAMING_CREDIT_DISPATCH_INTERVAL_MS: '100',
        GAMING_CREDIT_RETRY_BASE_MS: '100',
        GAMING_CREDIT_RETRY_MAX_MS: '400',
      },
    });
    client = await MongoClient.connect(stack.mongoUri);
    const member = await client
      .db(stack.databases.loyalty)
      .collection('members')
      .findOne({ is_active: true, self_excluded: false });
    memberId = String(member!.id);
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  async function playAndEnd(): Promise<string> {
    machine += 1;
    const started = await stack.query<{ startGamingSession: { id: string } }>(
      START,
      { input: { memberId, gameTypeCode: 'slots', machineNumber: `SL-90${machine}`, buyInAmount: '500.00' } },
      AS_MANAGER,
    );
    expect(started.errors).toBeUndefined();
    return started.data!.startGamingSession.id;
  }

  const end = (sessionId: string) =>
    stack.query<{ endGamingSession: { creditStatus: string } }>(
      END,
      { input: { sessionId, cashOutAmount: '320.00', coinIn: '2500.00' } },
      AS_MANAGER,
    );

  async function session(id: string): Promise<SessionView> {
    const result = await stack.query<{ gamingSession: SessionView }>(SESSION, { id }, AS_MANAGER);
    expect(result.errors).toBeUndefined();
    return result.data!.gamingSession;
  }

  async function waitForDelivery(id: string): Promise<SessionView> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const view = await session(id);
      if (view.creditStatus === 'delivered' || Date.now() > deadline) return view;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function memberState() {
    const result = await stack.query<{
      member: { pointsBalance: number; tierCredits: number };
      memberLedgerCheck: { consistent: boolean };
    }>(MEMBER, { id: memberId }, AS_MANAGER);
    expect(result.errors).toBeUndefined();
    return result.data!;
  }

  const ledgerFor = (sessionId: string) =>
    client
      .db(stack.databases.loyalty)
      .collection<Document>('points_ledger')
      .find({ source: 'gaming_session', source_id: sessionId })
      .toArray();

  it('credits a finished session once, and ending it again changes nothing', async () => {
    const before = await memberState();
    const sessionId = await playAndEnd();
    const ended = await end(sessionId);
    expect(ended.errors).toBeUndefined();

    const delivered = await waitForDelivery(sessionId);
    expect(delivered.creditStatus).toBe('delivered');
    expect(delivered.pointsEarned).toBeGreaterThan(0);
    const after = await memberState();
    expect(after.member.pointsBalance - before.member.pointsBalance).toBe(delivered.pointsEarned);
    expect(after.member.tierCredits - before.member.tierCredits).toBe(delivered.tierCredits);
    expect(after.memberLedgerCheck.consistent).toBe(true);
    // points, tier credits and the comp accrual (theo × the tier's reinvestment rate), together
    expect((await ledgerFor(sessionId)).map((e) => e.balance).sort()).toEqual([
      'comps',
      'points',
      'tier_credits',
    ]);

    const again = await end(sessionId);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // a retried delivery (the dispatcher crashing after loyalty answered) is answered as a duplicate
    await client
      .db(stack.databases.gaming)
      .collection('gaming_sessions')
      .updateOne(
        { id: sessionId },
        { $set: { 'credit.status': 'pending', 'credit.next_attempt_at': new Date() } },
      );
    expect((await waitForDelivery(sessionId)).creditStatus).toBe('delivered');
    expect((await memberState()).member.pointsBalance).toBe(after.member.pointsBalance);
    expect(await ledgerFor(sessionId)).toHaveLength(3);
  });

  it('keeps the credit while loyalty is down and delivers it once loyalty is back', async () => {
    const before = await memberState();
    const sessionId = await playAndEnd();

    await stack.stopSubgraph('loyalty');
    try {
      const ended = await end(sessionId);
      expect(ended.errors).toBeUndefined();
      expect(ended.data!.endGamingSession.creditStatus).toBe('pending');
      // several dispatcher rounds fail while loyalty is unreachable; the credit waits in gaming's outbox
      await new Promise((resolve) => setTimeout(resolve, 800));
      const waiting = await client
        .db(stack.databases.gaming)
        .collection('gaming_sessions')
        .findOne({ id: sessionId });
      expect(waiting!.credit.status).toBe('pending');
      expect(waiting!.credit.attempts).toBeGreaterThan(0);
    } finally {
      await stack.startSubgraphAgain('loyalty');
    }

    const delivered = await waitForDelivery(sessionId);
    expect(delivered.creditStatus).toBe('delivered');
    const after = await memberState();
    expect(after.member.pointsBalance - before.member.pointsBalance).toBe(delivered.pointsEarned);
    expect(after.memberLedgerCheck.consistent).toBe(true);
    expect(await ledgerFor(sessionId)).toHaveLength(3);
  }, 60_000);
});
