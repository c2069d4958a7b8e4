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
