import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Document } from 'mongodb';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const MAX_ATTEMPTS = 3;

interface DeadLetterView {
  id: string;
  kind: string;
  attempts: number;
  lastError: { code: string; message: string } | null;
  deadSince: string;
}

/** A value the driver cannot read back (1,500 levels), with a document number at the bottom */
function unreadable(document: string): Record<string, unknown> {
  let value: Record<string, unknown> = { nic_passport: document };
  for (let i = 0; i < 1_500; i += 1) value = { a: value };
  return value;
}

function auditEvent(action: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    timestamp: new Date(),
    actorId: IDENTITIES.Manager.userId,
    actorUsername: IDENTITIES.Manager.username,
    role: 'Manager',
    service: 'loyalty',
    action,
    targetType: 'Member',
    targetId: randomUUID(),
    changes: null,
    requestId: `dead-letters-${randomUUID()}`,
    clientName: 'jest',
    ip: null,
    outcome: 'allowed',
    ...overrides,
  };
}

/**
 * One row that can never be delivered (the receiver refuses it, or it cannot even be read) is set aside as
 * dead after OUTBOX_MAX_ATTEMPTS and the rows behind it flow: for every subgraph's audit outbox, gaming's
 * point credits and marketing's notifications. SuperAdmins see the dead rows (never their content) and can
 * put one back in line.
 */
describe('outboxes set aside what they cannot deliver and keep delivering the rest', () => {
  let stack: TestStack;
  let client: MongoClient;
  const DOCUMENT = 'N7788990V';

  beforeAll(async () => {
    stack = await startTestStack({
      seedMembers: 4,
      env: {
        OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        AUDIT_FLUSH_INTERVAL_MS: '100',
        GAMING_CREDIT_DISPATCH_INTERVAL_MS: '100',
        GAMING_CREDIT_RETRY_BASE_MS: '50',
        GAMING_CREDIT_RETRY_MAX_MS: '200',
        NOTIFICATION_DISPATCH_INTERVAL_MS: '100',
      },
    });
    client = await MongoClient.connect(stack.mongoUri);
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  const db = (name: keyof TestStack['databases']) => client.db(stack.databases[name]);

  async function deadLetters(field: string): Promise<{ count: number; items: DeadLetterView[] }> {
    const result = await stack.query<Record<string, { count: number; items: DeadLetterView[] }>>(
      `{ ${field} { count items { id kind attempts lastError { code message } deadSince } } }`,
      {},
      { as: IDENTITIES.SuperAdmin },
    );
    expect(result.errors).toBeUndefined();
    return result.data![field]!;
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  it('audit outbox: a refused event and an unreadable one go dead, the events behind them reach compliance', async () => {
    const outbox = db('loyalty').collection<Document>('audit_outbox');
    const past = new Date(Date.now() - 60_000);
    // compliance refuses the whole batch this event is in (not an AdminRole); the next one cannot be read
    const refused = auditEvent('adjustPoints', { role: 'Croupier' });
    const poisoned = auditEvent('updateMember', { changes: { before: null, after: unreadable(DOCUMENT) } });
    for (const event of [refused, poisoned]) {
      await outbox.insertOne({ id: event.id, event, attempts: 0, next_attempt_at: past, created_at: past });
    }

    // real mutations afterwards: their events must still be delivered
    const requestId = `after-${randomUUID()}`;
    const registered = await stack.query<{ registerMember: { id: string } }>(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id } }',
      {
        input: {
          firstName: 'Dilani',
          lastName: 'Perera',
          email: `dilani.${randomUUID().slice(0, 8)}@example.com`,
          phone: '+94 77 000 1122',
          dateOfBirth: '1990-02-01T00:00:00.000Z',
          nationality: 'Sri Lanka',
          nicPassport: `N${randomUUID().replace(/\D/g, '').slice(0, 8)}V`,
        },
      },
      { as: IDENTITIES.Manager, headers: { 'x-request-id': requestId } },
    );
    expect(registered.errors).toBeUndefined();
    const memberId = registered.data!.registerMember.id;

    const logs = await eventually(
      async () => {
        const result = await stack.query<{ auditLogs: { edges: { node: { requestId: string } }[] } }>(
          'query ($filter: AuditLogFilter) { auditLogs(filter: $filter, first: 10) { edges { node { requestId } } } }',
          { filter: { action: 'registerMember', targetId: memberId } },
          { as: IDENTITIES.GeneralAdmin },
        );
        return result.data?.auditLogs.edges.map((e) => e.node.requestId) ?? [];
      },
      (ids) => ids.includes(requestId),
    );
    expect(logs).toContain(requestId);

    const dead = await eventually(
      () => deadLetters('loyaltyDeadLetters'),
      (page) => page.count === 2,
    );
    expect(dead.count).toBe(2);
    const byId = new Map(dead.items.map((item) => [item.id, item]));
    expect(byId.get(String(refused.id))).toMatchObject({
      kind: 'audit-event',
      attempts: MAX_ATTEMPTS,
      lastError: { code: 'BAD_USER_INPUT' },
    });
    expect(byId.get(String(poisoned.id))).toMatchObject({
      kind: 'audit-event',
      attempts: MAX_ATTEMPTS,
      lastError: { code: 'RangeError' },
    });
    expect(JSON.stringify(dead)).not.toMatch(/N7788990V|Croupier/);
    expect(await outbox.countDocuments({ dead_at: null })).toBe(0);

    // only SuperAdmins see or retry them; a retry puts the row back in line (and it dies again, refused)
    const denied = await stack.query('{ loyaltyDeadLetters { count } }', {}, { as: IDENTITIES.GeneralAdmin });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const retry = 'mutation ($id: ID!) { retryLoyaltyDeadLetter(id: $id) }';
    const deniedRetry = await stack.query(retry, { id: refused.id }, { as: IDENTITIES.GeneralAdmin });
    expect(deniedRetry.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const retried = await stack.query<{ retryLoyaltyDeadLetter: boolean }>(
      retry,
      { id: refused.id },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(retried.data).toEqual({ retryLoyaltyDeadLetter: true });
    const unknown = await stack.query(retry, { id: randomUUID() }, { as: IDENTITIES.SuperAdmin });
    expect(unknown.data).toEqual({ retryLoyaltyDeadLetter: false });
    const back = await outbox.findOne(
      { id: refused.id },
      { projection: { _id: 0, attempts: 1, dead_at: 1 } },
    );
    expect(back?.dead_at ?? null).toBeNull();
    expect((await deadLetters('loyaltyDeadLetters')).count).toBeLessThanOrEqual(2);
  }, 90_000);

  it('point credits: a credit loyalty refuses goes dead, the other session is credited', async () => {
    const members = await db('loyalty')
      .collection<Document>('members')
      .find({ is_active: true, self_excluded: false }, { projection: { _id: 0, id: 1 } })
      .limit(2)
      .toArray();
    const [kept, removed] = members.map((m) => String(m.id));
    const start = async (memberId: string, machine: string) => {
      const result = await stack.query<{ startGamingSession: { id: string } }>(
        'mutation ($input: StartGamingSessionInput!) { startGamingSession(input: $input) { id } }',
        { input: { memberId, gameTypeCode: 'slots', machineNumber: machine, buyInAmount: '500.00' } },
        { as: IDENTITIES.Manager },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.startGamingSession.id;
    };
    const refusedSession = await start(removed!, 'SL-DL1');
    const creditedSession = await start(kept!, 'SL-DL2');
    // the member leaves loyalty's records while playing: loyalty can never credit that session
    await db('loyalty').collection('members').deleteOne({ id: removed });
    for (const sessionId of [refusedSession, creditedSession]) {
      const ended = await stack.query(
        'mutation ($input: EndGamingSessionInput!) { endGamingSession(input: $input) { id } }',
        { input: { sessionId, cashOutAmount: '320.00', coinIn: '2500.00' } },
        { as: IDENTITIES.Manager },
      );
      expect(ended.errors).toBeUndefined();
    }

    const dead = await eventually(
      () => deadLetters('gamingDeadLetters'),
      (page) => page.items.some((item) => item.id === refusedSession),
    );
    expect(dead.items.find((item) => item.id === refusedSession)).toMatchObject({
      kind: 'point-credit',
      attempts: MAX_ATTEMPTS,
      lastError: { code: expect.any(String) },
    });
    const status = async (id: string) => {
      const result = await stack.query<{ gamingSession: { creditStatus: string } }>(
        'query ($id: ID!) { gamingSession(id: $id) { creditStatus } }',
        { id },
        { as: IDENTITIES.Manager },
      );
      return result.data!.gamingSession.creditStatus;
    };
    expect(
      await eventually(
        () => status(creditedSession),
        (s) => s === 'delivered',
      ),
    ).toBe('delivered');
    expect(await status(refusedSession)).toBe('dead');
    // nothing retries it any more
    const attempts = async () =>
      (await db('gaming').collection<Document>('gaming_sessions').findOne({ id: refusedSession }))!.credit
        .attempts;
    const before = await attempts();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await attempts()).toBe(before);
  }, 90_000);

  it('notifications: one that cannot be read goes dead, the next one is delivered', async () => {
    const notifications = db('marketing').collection<Document>('notifications');
    const now = new Date();
    const base = {
      template_id: null,
      recipient_type: 'system',
      recipient_id: null,
      recipient_email: null,
      recipient_phone: null,
      title: 'Floor notice',
      content: 'Table 4 reopens at 18:00',
      category: 'system',
      priority: 'normal',
      channels: ['in_app'],
      status: 'pending',
      scheduled_at: now,
      sent_at: null,
      delivered_at: null,
      read_at: null,
      created_at: now,
      status_history: [{ status: 'pending', at: now }],
    };
    const poisonedId = randomUUID();
    const healthyId = randomUUID();
    await notifications.insertOne({
      ...base,
      id: poisonedId,
      metadata: unreadable(DOCUMENT),
      due_at: new Date(now.getTime() - 1_000),
    });
    await notifications.insertOne({ ...base, id: healthyId, metadata: {}, due_at: now });

    const dead = await eventually(
      () => deadLetters('marketingDeadLetters'),
      (page) => page.items.some((item) => item.id === poisonedId),
    );
    expect(dead.items.find((item) => item.id === poisonedId)).toMatchObject({
      kind: 'notification',
      attempts: MAX_ATTEMPTS,
      lastError: { code: 'RangeError' },
    });
    expect(JSON.stringify(dead)).not.toContain(DOCUMENT);
    const healthy = await eventually(
      () => notifications.findOne({ id: healthyId }, { projection: { _id: 0, status: 1 } }),
      (doc) => doc?.status === 'delivered',
    );
    expect(healthy?.status).toBe('delivered');
    const poisoned = await notifications.findOne(
      { id: poisonedId },
      { projection: { _id: 0, status: 1, due_at: 1, dead_at: 1 } },
    );
    expect(poisoned).toMatchObject({ status: 'pending', due_at: null, dead_at: expect.any(Date) });
  }, 90_000);
});
