import { randomUUID } from 'node:crypto';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';
import { auditLogsQuery, waitForAuditEntries } from './support/audit-entries';
import type { AuditEntryBase } from './support/audit-entries';

interface AuditEntry extends AuditEntryBase {
  requestId: string | null;
  clientName: string | null;
  ip: string | null;
  changes: unknown;
  actorUsername: string | null;
}

const AUDIT_LOGS = auditLogsQuery(
  'action outcome role actorUsername targetType targetId requestId clientName ip changes',
);

describe('audit trail through compliance', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 3 });
  }, 180_000);
  afterAll(() => stack?.stop());

  /** Audit delivery is asynchronous (outbox, then compliance's API), so poll for the entry. */
  const waitForEntries = (filter: Record<string, unknown>, count = 1) =>
    waitForAuditEntries<AuditEntry>(stack, AUDIT_LOGS, filter, count);

  it('records an allowed mutation with actor, target, request, client and redacted changes', async () => {
    const requestId = `audit-${randomUUID()}`;
    const result = await stack.query<{ registerMember: { id: string } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id } }',
      {
        input: {
          firstName: 'Priyanka',
          lastName: 'Jayasuriya',
          email: 'priyanka.j@example.com',
          phone: '+94 77 765 4321',
          dateOfBirth: '1985-06-15T00:00:00.000Z',
          nationality: 'Sri Lanka',
          nicPassport: '856671234V',
        },
      },
      {
        as: IDENTITIES.Manager,
        headers: { 'x-request-id': requestId, 'apollographql-client-name': 'floor-app' },
      },
    );
    expect(result.errors).toBeUndefined();
    const memberId = result.data!.registerMember.id;

    const [entry] = await waitForEntries({ action: 'registerMember', targetId: memberId });
    expect(entry).toMatchObject({
      action: 'registerMember',
      outcome: 'allowed',
      role: 'Manager',
      targetType: 'Member',
      targetId: memberId,
      requestId,
      clientName: 'floor-app',
      actorUsername: IDENTITIES.Manager.username,
    });
    // the actor's id is stored too: the trail can be filtered by it
    const byActor = await waitForEntries({ actorId: IDENTITIES.Manager.userId, targetId: memberId });
    expect(byActor).toHaveLength(1);
    expect(entry!.ip).toEqual(expect.any(String));
    const stored = JSON.stringify(entry!.changes);
    expect(stored).toContain('[redacted]');
    for (const secret of ['Priyanka', 'Jayasuriya', 'priyanka.j@example.com', '856671234V', '765 4321']) {
      expect(stored).not.toContain(secret);
    }
  });

  it("keeps every change to a member in their history, whatever the outcome, with the API's key names", async () => {
    const registered = await stack.query<{ registerMember: { id: string } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id } }',
      {
        input: {
          firstName: 'Kasun',
          lastName: 'Perera',
          email: 'kasun.p@example.com',
          phone: '+94 77 111 2233',
          dateOfBirth: '1979-02-11T00:00:00.000Z',
          nationality: 'Sri Lanka',
          nicPassport: '791234567V',
        },
      },
      { as: IDENTITIES.Manager },
    );
    expect(registered.errors).toBeUndefined();
    const memberId = registered.data!.registerMember.id;
    const ADJUST = 'mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }';
    const adjust = (amount: number, as: (typeof IDENTITIES)[keyof typeof IDENTITIES]) =>
      stack.query<{ adjustPoints: { id: string } }>(
        ADJUST,
        { input: { memberId, amount, reason: 'Goodwill for a slot outage' } },
        { as },
      );

    const allowed = await adjust(500, IDENTITIES.GeneralAdmin);
    expect(allowed.errors).toBeUndefined();
    const reward = await stack.query<{ createReward: { id: string } }>(
      'mutation ($input: CreateRewardInput!) { createReward(input: $input) { id } }',
      {
        input: {
          name: `Buffet ${randomUUID()}`,
          description: 'Dinner buffet for one',
          category: 'dining',
          pointsRequired: 100,
          cashValue: '25.00',
          tierAccess: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
        },
      },
      { as: IDENTITIES.Manager },
    );
    expect(reward.errors).toBeUndefined();
    const redeemed = await stack.query<{ redeemReward: { id: string } }>(
      'mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { id } }',
      { input: { memberId, rewardId: reward.data!.createReward.id } },
      { as: IDENTITIES.Supervisor },
    );
    expect(redeemed.errors).toBeUndefined();
    const redemptionId = redeemed.data!.redeemReward.id;
    // refused before the resolver loads the redemption, whose id is all the arguments name
    const cancel = await stack.query(
      'mutation ($id: ID!) { cancelRedemption(id: $id) { id } }',
      { id: redemptionId },
      { as: IDENTITIES.Supervisor },
    );
    expect(cancel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await adjust(10, IDENTITIES.Supervisor)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // more than the balance: refused by the service
    expect((await adjust(-100_000, IDENTITIES.GeneralAdmin)).errors).toBeDefined();
    const excluded = await stack.query(
      'mutation ($input: RecordSelfExclusionInput!) { recordSelfExclusion(input: $input) { id } }',
      { input: { memberId, length: 'SIX_MONTHS', reason: 'Asked for it at the cage' } },
      { as: IDENTITIES.Supervisor },
    );
    expect(excluded.errors).toBeUndefined();
    const updated = await stack.query(
      'mutation ($input: UpdateMemberInput!) { updateMember(input: $input) { id } }',
      { input: { id: memberId, marketingConsent: false } },
      { as: IDENTITIES.Manager },
    );
    expect(updated.errors).toBeUndefined();

    const entries = await waitForEntries({ targetId: memberId }, 8);
    const seen = entries.map((e) => [e.action, e.outcome]).sort();
    expect(seen).toEqual(
      [
        ['adjustPoints', 'allowed'],
        ['adjustPoints', 'denied'],
        ['adjustPoints', 'failed'],
        ['cancelRedemption', 'denied'],
        ['redeemReward', 'allowed'],
        ['recordSelfExclusion', 'allowed'],
        ['registerMember', 'allowed'],
        ['updateMember', 'allowed'],
      ].sort(),
    );
    const allowedAdjustment = entries.find((e) => e.action === 'adjustPoints' && e.outcome === 'allowed')!;
    expect(allowedAdjustment).toMatchObject({
      targetId: allowed.data!.adjustPoints.id,
      changes: { after: { memberId, entry: { memberId, amount: 500 } } },
    });
    expect(entries.find((e) => e.action === 'adjustPoints' && e.outcome === 'denied')!.changes).toMatchObject(
      {
        after: { memberId, amount: 10 },
      },
    );
    expect(entries.find((e) => e.action === 'cancelRedemption')).toMatchObject({
      targetType: 'RewardRedemption',
      targetId: redemptionId,
      changes: { after: { id: redemptionId, memberId } },
    });
    for (const entry of entries) {
      // snake_case keys of stored documents are stored as the API names them
      expect(JSON.stringify(entry.changes)).not.toMatch(/"[a-z0-9]+_[a-z0-9_]+":/);
    }
  });

  it('records a denied mutation as denied, and nothing is created', async () => {
    const name = `Denied campaign ${randomUUID()}`;
    const result = await stack.query(
      'mutation ($input: CreateMarketingCampaignInput!) { createMarketingCampaign(input: $input) { id } }',
      {
        input: {
          name,
          campaignType: 'event',
          targetAudience: ['vip'],
          startDate: '2027-01-01T00:00:00.000Z',
          endDate: '2027-01-31T00:00:00.000Z',
          budget: '100.00',
        },
      },
      { as: IDENTITIES.Supervisor },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const entries = await waitForEntries({ action: 'createMarketingCampaign', outcome: 'denied' });
    expect(
      entries.some((e) => e.actorUsername === IDENTITIES.Supervisor.username && e.role === 'Supervisor'),
    ).toBe(true);
    const names = await stack.query<{ marketingCampaigns: { edges: { node: { name: string } }[] } }>(
      '{ marketingCampaigns(first: 200) { edges { node { name } } } }',
      {},
      { as: IDENTITIES.SuperAdmin },
    );
    expect(names.data!.marketingCampaigns.edges.map((e) => e.node.name)).not.toContain(name);
  });

  it('records each decrypted identity document read, and not masked ones', async () => {
    const members = await stack.query<{
      members: { edges: { node: { id: string; nicPassport: string } }[] };
    }>('{ members(first: 1) { edges { node { id nicPassport } } } }', {}, { as: IDENTITIES.SuperAdmin });
    expect(members.errors).toBeUndefined();
    const member = members.data!.members.edges[0]!.node;
    expect(member.nicPassport).not.toMatch(/^\*{4}/);
    const reads = await waitForEntries({ action: 'pii.read', targetId: member.id });
    expect(reads[0]).toMatchObject({
      targetType: 'Member',
      outcome: 'allowed',
      actorUsername: IDENTITIES.SuperAdmin.username,
    });

    const masked = await stack.query<{ members: { edges: { node: { nicPassport: string } }[] } }>(
      '{ members(first: 1) { edges { node { nicPassport } } } }',
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(masked.data!.members.edges[0]!.node.nicPassport).toMatch(/^\*{4}.{4}$/);
    const supervisorReads = await waitForEntries(
      { action: 'pii.read', actorId: IDENTITIES.Supervisor.userId },
      0,
    );
    expect(supervisorReads).toEqual([]);
  });
});
