import type { AdminIdentity } from '@casino/auth';
import { randomUUID } from 'node:crypto';
import { createRequestAudit } from '@casino/audit';
import type { AuditEvent } from '@casino/audit';
import { createComplianceSubgraph } from '../index';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { IDENTITIES, accountOf, errorCode } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { AuditLogSink } from './audit-events';
import { AUDIT_LOGS } from './audit-log-store';
import type { AuditLogDocument } from './audit-log-store';

const RECORD = /* GraphQL */ `
  mutation RecordAuditEvents($events: [AuditEventInput!]!) {
    recordAuditEvents(events: $events)
  }
`;

const asService = { identity: IDENTITIES.loyaltyService };

/** An event as the outbox of another subgraph delivers it: JSON, as ComplianceAuditSink posts it. */
function wireEvent(overrides: Partial<AuditEvent> = {}): Record<string, unknown> {
  const event: AuditEvent = {
    id: randomUUID(),
    timestamp: new Date('2026-05-01T10:00:00.000Z'),
    actorId: IDENTITIES.gamingManager.userId,
    actorUsername: IDENTITIES.gamingManager.username,
    role: 'Manager',
    service: 'loyalty',
    action: 'registerMember',
    targetType: 'Member',
    targetId: randomUUID(),
    changes: { before: null, after: { tier: 'Ruby', email: '[redacted]' } },
    requestId: 'req-1',
    clientName: 'casino-admin-web',
    ip: '10.20.0.7',
    outcome: 'allowed',
    ...overrides,
  };
  return JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
}

describe('recordAuditEvents', () => {
  let harness: SubgraphHarness;
  const logs = () =>
    harness.db
      .collection<AuditLogDocument>(AUDIT_LOGS)
      .find({}, { projection: { _id: 0 } })
      .toArray();

  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.db.collection(AUDIT_LOGS).deleteMany({}));

  it('stores delivered events as audit_logs entries, and is not itself audited', async () => {
    const event = wireEvent();
    const fromService = wireEvent({
      actorId: null,
      actorUsername: 'service:gaming',
      role: null,
      service: 'loyalty',
      action: 'creditGamingSession',
      outcome: 'failed',
      changes: null,
    });
    harness.auditEvents.length = 0;
    const result = await harness.execute<{ recordAuditEvents: number }>(
      RECORD,
      { events: [event, fromService] },
      asService,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordAuditEvents).toBe(2);
    expect(harness.auditEvents).toEqual([]);

    const stored = new Map((await logs()).map((log) => [log.id, log]));
    expect(stored.get(event.id as string)).toEqual({
      id: event.id,
      timestamp: new Date('2026-05-01T10:00:00.000Z'),
      admin_user_id: IDENTITIES.gamingManager.userId,
      actor_username: IDENTITIES.gamingManager.username,
      role: 'Manager',
      service: 'loyalty',
      action: 'registerMember',
      target_type: 'Member',
      target_id: event.targetId,
      changes: { before: null, after: { tier: 'Ruby', email: '[redacted]' } },
      request_id: 'req-1',
      client_name: 'casino-admin-web',
      ip: '10.20.0.7',
      outcome: 'allowed',
    });
    expect(stored.get(fromService.id as string)).toMatchObject({
      admin_user_id: null,
      actor_username: 'service:gaming',
      role: null,
      service: 'loyalty',
      outcome: 'failed',
      changes: null,
    });
  });

  it('ignores ids it already has, counting only the new ones, so a retried batch records nothing twice', async () => {
    const first = wireEvent();
    const second = wireEvent();
    expect((await harness.execute(RECORD, { events: [first, second] }, asService)).data).toEqual({
      recordAuditEvents: 2,
    });
    const third = wireEvent();
    const retried = await harness.execute(
      RECORD,
      { events: [first, { ...second, action: 'tampered' }, third] },
      asService,
    );
    expect(retried.data).toEqual({ recordAuditEvents: 1 });
    const twiceInOneBatch = wireEvent();
    expect(
      (await harness.execute(RECORD, { events: [twiceInOneBatch, twiceInOneBatch] }, asService)).data,
    ).toEqual({
      recordAuditEvents: 1,
    });
    const stored = await logs();
    expect(stored).toHaveLength(4);
    // an entry is never rewritten
    expect(stored.find((log) => log.id === second.id)!.action).toBe('registerMember');
  });

  it('redacts personal data a sender forgot to', async () => {
    const careless = wireEvent({
      changes: { before: { email: 'jane@example.com' }, after: { email: 'john@example.com', tier: 'VIP' } },
    });
    await harness.execute(RECORD, { events: [careless] }, asService);
    const [stored] = await logs();
    expect(stored!.changes).toEqual({
      before: { email: '[redacted]' },
      after: { email: '[redacted]', tier: 'VIP' },
    });
  });

  it('accepts only service identities', async () => {
    for (const [identity, code] of [
      [IDENTITIES.superAdmin, 'FORBIDDEN'],
      [IDENTITIES.generalAdmin, 'FORBIDDEN'],
      [IDENTITIES.anonymous, 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorCode(await harness.execute(RECORD, { events: [wireEvent()] }, { identity }))).toBe(code);
    }
    expect(await logs()).toEqual([]);
  });

  it('refuses a batch with any event naming another service than the caller, storing none of it', async () => {
    const own = wireEvent();
    const forged = wireEvent({ service: 'compliance', action: 'eraseMember' });
    const refused = await harness.execute(RECORD, { events: [own, forged] }, asService);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toMatch(/must name the calling service/);
    expect(refused.data).toBeNull();
    // the same events are refused to every other service too: the batch must name its sender throughout
    const asGaming = await harness.execute(
      RECORD,
      { events: [own] },
      { identity: { kind: 'service', service: 'gaming' } },
    );
    expect(asGaming.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await logs()).toEqual([]);
    // its own events alone go through
    const accepted = await harness.execute(RECORD, { events: [own] }, asService);
    expect(accepted.data).toEqual({ recordAuditEvents: 1 });
    expect((await logs()).map((log) => [log.id, log.service])).toEqual([[own.id, 'loyalty']]);
  });

  it('refuses malformed events, naming the field, and stores none of the batch', async () => {
    const result = await harness.execute(
      RECORD,
      { events: [wireEvent(), wireEvent({ action: '' })] },
      asService,
    );
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events.1.action' });
    expect(await logs()).toEqual([]);
  });

  it('limits the events per call', async () => {
    const small = await startSubgraphHarness(
      createComplianceSubgraph({ ...DEFAULT_COMPLIANCE_SETTINGS, maxAuditEventsPerCall: 2 }),
    );
    try {
      const result = await small.execute(
        RECORD,
        { events: [wireEvent(), wireEvent(), wireEvent()] },
        asService,
      );
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    } finally {
      await small.close();
    }
  });

  it('serves recorded events through auditLogs, with the actor username and service', async () => {
    const event = wireEvent({ action: 'adjustPoints' });
    await harness.execute(RECORD, { events: [event] }, asService);
    const result = await harness.execute<{ auditLogs: { edges: { node: Record<string, unknown> }[] } }>(
      `{ auditLogs(filter: { action: "adjustPoints" }) { edges { node { id actorUsername service role outcome } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.auditLogs.edges.map((e) => e.node)).toEqual([
      {
        id: event.id,
        actorUsername: IDENTITIES.gamingManager.username,
        service: 'loyalty',
        role: 'Manager',
        outcome: 'allowed',
      },
    ]);
  });
});

describe("a member's audit history", () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
  });
  afterAll(() => harness.close());

  const HISTORY = /* GraphQL */ `
    query ($filter: AuditLogFilter) {
      auditLogs(filter: $filter, first: 50) {
        totalCount
        edges {
          node {
            id
            action
            outcome
            targetType
            targetId
            changes
          }
        }
      }
    }
  `;
  interface Entry {
    id: string;
    action: string;
    outcome: string;
    targetType: string;
    targetId: string;
    changes: Record<string, Record<string, unknown> | null> | null;
  }
  const history = async (filter: Record<string, unknown>) => {
    const result = await harness.execute<{ auditLogs: { totalCount: number; edges: { node: Entry }[] } }>(
      HISTORY,
      { filter },
      { identity: IDENTITIES.generalAdmin },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.auditLogs;
  };

  it('holds every change to the member whatever the mutation returned and its outcome, keys as the API names them', async () => {
    const member = randomUUID();
    const other = randomUUID();
    const entryId = randomUUID();
    const periodId = randomUUID();
    // as loyalty sends them: a successful write states stored (snake_case) documents, a refusal its input
    const events = [
      wireEvent({
        action: 'adjustPoints',
        targetType: 'PointsLedgerEntry',
        targetId: entryId,
        changes: {
          before: { memberId: member, pointsBalance: 100 },
          after: {
            memberId: member,
            pointsBalance: 150,
            entry: { id: entryId, member_id: member, amount: 50, created_at: '2026-05-01T10:00:00.000Z' },
          },
        },
      }),
      wireEvent({
        action: 'adjustPoints',
        outcome: 'denied',
        role: 'Supervisor',
        targetType: 'PointsLedgerEntry',
        targetId: member,
        changes: { before: null, after: { memberId: member, points: 50, reason: 'goodwill' } },
      }),
      wireEvent({
        action: 'redeemReward',
        targetType: 'RewardRedemption',
        targetId: randomUUID(),
        changes: { before: null, after: { member_id: member, reward_id: 'r1', points_spent: 200 } },
      }),
      wireEvent({
        action: 'recordSelfExclusion',
        targetType: 'SelfExclusion',
        targetId: periodId,
        changes: {
          before: { id: member, self_excluded: false },
          after: {
            memberId: member,
            id: member,
            self_excluded: true,
            period: { id: periodId, member_id: member },
          },
        },
      }),
      wireEvent({
        action: 'updateMember',
        targetType: 'Member',
        targetId: member,
        changes: {
          before: { id: member, marketing_consent: false, preferences: { favourite_game: 'baccarat' } },
          after: { id: member, marketing_consent: true, preferences: { favourite_game: 'baccarat' } },
        },
      }),
      wireEvent({
        action: 'adjustPoints',
        targetType: 'PointsLedgerEntry',
        targetId: randomUUID(),
        changes: {
          before: { memberId: other, pointsBalance: 0 },
          after: { memberId: other, pointsBalance: 5 },
        },
      }),
    ];
    const recorded = await harness.execute(RECORD, { events }, asService);
    expect(recorded.errors).toBeUndefined();

    const found = await history({ targetId: member });
    expect(found.totalCount).toBe(5);
    const byAction = (action: string, outcome = 'allowed') =>
      found.edges.map((e) => e.node).find((e) => e.action === action && e.outcome === outcome)!;
    expect(byAction('adjustPoints')).toMatchObject({
      targetType: 'PointsLedgerEntry',
      targetId: entryId,
      changes: {
        before: { memberId: member, pointsBalance: 100 },
        after: { memberId: member, pointsBalance: 150, entry: { id: entryId, memberId: member, amount: 50 } },
      },
    });
    expect(byAction('adjustPoints', 'denied').changes).toEqual({
      before: null,
      after: { memberId: member, points: 50, reason: 'goodwill' },
    });
    expect(byAction('redeemReward').changes!.after).toEqual({
      memberId: member,
      rewardId: 'r1',
      pointsSpent: 200,
    });
    expect(byAction('recordSelfExclusion').changes!.after).toMatchObject({
      selfExcluded: true,
      period: { id: periodId, memberId: member },
    });
    // free-form JSON keeps the keys its writer chose
    expect(byAction('updateMember').changes!.after).toEqual({
      id: member,
      marketingConsent: true,
      preferences: { favourite_game: 'baccarat' },
    });
    for (const entry of found.edges.filter((e) => e.node.action !== 'updateMember')) {
      expect(JSON.stringify(entry.node.changes)).not.toMatch(/"[a-z0-9]+_[a-z0-9_]+":/);
    }

    // the target filter still narrows to one kind of target
    const ledgerOnly = await history({ targetId: member, targetType: 'PointsLedgerEntry' });
    expect(ledgerOnly.edges.map((e) => e.node.outcome).sort()).toEqual(['allowed', 'denied']);
    expect((await history({ targetId: entryId })).totalCount).toBe(1);
    expect((await history({ targetId: other })).totalCount).toBe(1);
  });

  it("still reads entries stored before, their changes with the API's key names", async () => {
    const member = randomUUID();
    await harness.db.collection(AUDIT_LOGS).insertOne({
      id: randomUUID(),
      timestamp: new Date('2025-01-01T00:00:00.000Z'),
      admin_user_id: null,
      role: null,
      action: 'updateMember',
      target_type: 'Member',
      target_id: member,
      changes: { before: { self_excluded: false }, after: { self_excluded: true } },
      request_id: null,
      client_name: null,
      ip: null,
      outcome: 'allowed',
    });
    const found = await history({ targetId: member });
    expect(found.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        action: 'updateMember',
        targetType: 'Member',
        changes: { before: { selfExcluded: false }, after: { selfExcluded: true } },
      }),
    ]);
  });
});

describe("compliance's own audit sink", () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
  });
  afterAll(() => harness.close());

  it("writes compliance's own events straight into audit_logs, with the same dedupe", async () => {
    // the events compliance's mutations produce, captured by the harness instead of the outbox; the caller's
    // account exists and is active, so deactivating a missing account fails (NOT_FOUND) rather than is denied
    await harness.db.collection('admin_users').insertOne(accountOf(IDENTITIES.generalAdmin as AdminIdentity));
    await harness.execute(
      `mutation { deactivateAdminUser(id: "missing") { id } }`,
      {},
      { identity: IDENTITIES.generalAdmin },
    );
    await harness.execute(
      `mutation($input: LoginInput!) { login(input: $input) { token } }`,
      { input: { username: 'nobody', password: 'secret password' } },
      { identity: IDENTITIES.anonymous },
    );
    const events = [...harness.auditEvents];
    expect(events.map((e) => [e.service, e.action, e.outcome])).toEqual([
      ['compliance', 'deactivateAdminUser', 'failed'],
      ['compliance', 'login', 'denied'],
    ]);

    const definition = createComplianceSubgraph();
    const sink = definition.createAuditSink!({
      db: harness.db,
      env: {} as never,
      paging: { defaultSize: 20, maxSize: 200 },
      logger: {} as never,
      services: {} as never,
    });
    expect(sink).toBeInstanceOf(AuditLogSink);
    await sink.deliver(events);
    await sink.deliver(events);
    const stored = await harness.db
      .collection<AuditLogDocument>(AUDIT_LOGS)
      .find({}, { projection: { _id: 0 } })
      .sort({ timestamp: 1 })
      .toArray();
    expect(stored.map((log) => [log.service, log.action, log.admin_user_id, log.outcome])).toEqual([
      ['compliance', 'deactivateAdminUser', IDENTITIES.generalAdmin.userId, 'failed'],
      ['compliance', 'login', null, 'denied'],
    ]);
    expect(JSON.stringify(stored)).not.toContain('secret password');
  });

  it('keeps the real AuditEvent shape of @casino/audit deliverable', async () => {
    const events: AuditEvent[] = [];
    const audit = createRequestAudit(
      {
        identity: IDENTITIES.gamingManager,
        requestId: 'r',
        clientName: null,
        ip: null,
        service: 'workforce',
      },
      (event) => events.push(event),
    );
    audit.record({
      action: 'pii.read',
      targetType: 'Member',
      targetId: 'm1',
      changes: { before: null, after: { field: 'nicPassport' } },
    });
    const result = await harness.execute<{ recordAuditEvents: number }>(
      RECORD,
      { events: JSON.parse(JSON.stringify(events)) as unknown },
      { identity: { kind: 'service', service: 'workforce' } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordAuditEvents).toBe(1);
  });
});
