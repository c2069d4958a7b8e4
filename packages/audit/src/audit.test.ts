import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { AuditEvent } from './event';
import { memberIdOf } from './event';
import { AuditOutbox } from './outbox';
import type { AuditSink } from './outbox';
import { REDACTED, REDACTION_MAX_DEPTH, TOO_DEEP, camelCaseKeys, redact } from './redact';

describe('redact', () => {
  it('hides personal data and secrets at any depth and keeps the rest', () => {
    const out = redact({
      id: 'm-1',
      tier: 'VIP',
      nicPassport: 'N1234567',
      input: { email: 'a@b.co', password: 'hunter2', amount: 5, contacts: [{ phone: '+1 555' }] },
      salary: 9000,
      _id: 'internal',
      when: new Date('2026-01-01T00:00:00Z'),
    }) as Record<string, unknown>;
    expect(out).toEqual({
      id: 'm-1',
      tier: 'VIP',
      nicPassport: REDACTED,
      input: { email: REDACTED, password: REDACTED, amount: 5, contacts: [{ phone: REDACTED }] },
      salary: REDACTED,
      when: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(out)).not.toMatch(/N1234567|hunter2|a@b\.co|9000/);
  });

  /** `{ a: { a: ... { <key>: <value> } } }`, `levels` objects deep, built without recursion */
  function nested(levels: number, leaf: Record<string, unknown>): Record<string, unknown> {
    let value = leaf;
    for (let i = 1; i < levels; i += 1) value = { a: value };
    return value;
  }

  it('redacts a document number below the depth the old walk stopped at', () => {
    const out = redact({
      preferences: nested(20, {
        nicPassport: 'N7654321',
        documentNumber: 'keep-me',
        nic_passport: 'N7654321',
      }),
    });
    const text = JSON.stringify(out);
    expect(text).not.toContain('N7654321');
    expect(text).toContain('keep-me');
    let leaf = (out as { preferences: Record<string, unknown> }).preferences;
    for (let i = 1; i < 20; i += 1) leaf = leaf.a as Record<string, unknown>;
    expect(leaf).toEqual({ nicPassport: REDACTED, documentNumber: 'keep-me', nic_passport: REDACTED });
  });

  it('walks a 1,500-level value without overflowing and keeps nothing below its depth limit', () => {
    const deep = nested(1_500, { nic_passport: 'N9999999', idDocument: 'P9999999', notSecret: 'P9999999' });
    const out = redact({ before: null, after: { preferences: deep } });
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/N9999999|P9999999/);
    expect(text).toContain(TOO_DEEP);
    // the kept part is at most REDACTION_MAX_DEPTH objects deep
    let depth = 0;
    let cursor: unknown = out;
    while (cursor && typeof cursor === 'object') {
      depth += 1;
      const object = cursor as Record<string, unknown>;
      cursor = object.after ?? object.preferences ?? object.a;
    }
    expect(depth).toBe(REDACTION_MAX_DEPTH);
    expect(cursor).toBe(TOO_DEEP);
  });
});

function event(action: string): AuditEvent {
  return {
    id: randomUUID(),
    timestamp: new Date(),
    actorId: 'u-1',
    actorUsername: 'manager',
    role: 'Manager',
    service: 'loyalty',
    action,
    targetType: 'Member',
    targetId: 'm-1',
    changes: null,
    requestId: 'r-1',
    clientName: 'jest',
    ip: null,
    outcome: 'allowed',
  };
}

describe('camelCaseKeys', () => {
  it('names the keys as the API does at any depth, keeping free-form JSON as written', () => {
    expect(
      camelCaseKeys({
        before: null,
        after: {
          member_id: 'm1',
          pointsBalance: 5,
          entry: { source_id: 's1', created_at: '2026-01-01T00:00:00.000Z', tags: [{ tier_2: true }] },
          preferences: { favourite_game: 'baccarat' },
          self_excluded: true,
        },
      }),
    ).toEqual({
      before: null,
      after: {
        memberId: 'm1',
        pointsBalance: 5,
        entry: { sourceId: 's1', createdAt: '2026-01-01T00:00:00.000Z', tags: [{ tier2: true }] },
        preferences: { favourite_game: 'baccarat' },
        selfExcluded: true,
      },
    });
  });

  it('keeps the camelCase value when a document carries both spellings', () => {
    expect(camelCaseKeys({ nic_passport: 'x', nicPassport: '[protected]' })).toEqual({
      nicPassport: '[protected]',
    });
  });
});

describe('memberIdOf', () => {
  const event = (over: Partial<Pick<AuditEvent, 'targetType' | 'targetId' | 'changes'>>) => ({
    targetType: 'PointsLedgerEntry',
    targetId: 'e1',
    changes: null,
    ...over,
  });

  it('is the target for a member, else the member the change or the input names', () => {
    expect(memberIdOf(event({ targetType: 'Member', targetId: 'm1' }))).toBe('m1');
    expect(memberIdOf(event({ changes: { before: null, after: { memberId: 'm2', points: 5 } } }))).toBe('m2');
    expect(memberIdOf(event({ changes: { before: { member_id: 'm3' }, after: null } }))).toBe('m3');
    expect(
      memberIdOf(event({ changes: { before: null, after: { id: 'x', nested: { memberId: 'm4' } } } })),
    ).toBe(null);
    expect(memberIdOf(event({}))).toBeNull();
  });
});

describe('AuditOutbox', () => {
  let client: MongoClient;
  const database = `taudit_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  it('keeps events while the sink is down and delivers each exactly once when it comes back', async () => {
    const delivered: string[] = [];
    let failuresLeft = 2;
    const sink: AuditSink = {
      async deliver(events) {
        if (failuresLeft-- > 0) throw new Error('compliance is down');
        delivered.push(...events.map((e) => e.id));
      },
    };
    const outbox = new AuditOutbox(client.db(database), sink, createLogger({ name: 't', level: 'silent' }), {
      intervalMs: 20,
      batchSize: 2,
      retryBaseMs: 10,
      retryMaxMs: 40,
      maxAttempts: 10,
    });
    const events = [event('registerMember'), event('startGamingSession'), event('redeemReward')];
    outbox.start();
    for (const e of events) outbox.record(e);
    const deadline = Date.now() + 10_000;
    while ((delivered.length < events.length || (await outbox.pending()) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await outbox.stop();
    expect(failuresLeft).toBeLessThan(0);
    expect([...delivered].sort()).toEqual(events.map((e) => e.id).sort());
    expect(await outbox.pending()).toBe(0);
  });
});

describe('AuditOutbox dead letters', () => {
  let client: MongoClient;
  const database = `taudit_${randomUUID().slice(0, 8)}`;
  const settings = { intervalMs: 20, batchSize: 10, retryBaseMs: 5, retryMaxMs: 20, maxAttempts: 3 };
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  async function until(done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }

  it('sets aside an event the sink keeps refusing after maxAttempts and delivers the ones behind it', async () => {
    const db = client.db(database);
    await db.collection('audit_outbox').deleteMany({});
    const refused = event('updateMember');
    const others = [event('registerMember'), event('redeemReward'), event('adjustPoints')];
    const delivered: string[] = [];
    let refusals = 0;
    const sink: AuditSink = {
      async deliver(events) {
        if (events.some((e) => e.id === refused.id)) {
          refusals += 1;
          throw Object.assign(new Error('changes: AuditChanges value is nested deeper than 26 levels'), {
            name: 'ServiceCallError',
            errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
          });
        }
        delivered.push(...events.map((e) => e.id));
      },
    };
    const outbox = new AuditOutbox(db, sink, createLogger({ name: 't', level: 'silent' }), settings);
    outbox.record(refused);
    for (const e of others) outbox.record(e);
    outbox.start();
    await until(async () => (await outbox.deadLetters(10)).count === 1 && delivered.length === others.length);
    await outbox.stop();

    expect([...delivered].sort()).toEqual(others.map((e) => e.id).sort());
    expect(await outbox.pending()).toBe(0);
    const dead = await outbox.deadLetters(10);
    expect(dead.count).toBe(1);
    expect(dead.items).toEqual([
      {
        id: refused.id,
        kind: 'audit-event',
        attempts: settings.maxAttempts,
        lastError: { code: 'BAD_USER_INPUT', message: expect.stringContaining('nested deeper') },
        deadSince: expect.any(Date),
      },
    ]);
    // no more attempts once dead (the batch attempts plus the single ones, stopping at maxAttempts)
    const refusalsWhenDead = refusals;
    const again = new AuditOutbox(db, sink, createLogger({ name: 't', level: 'silent' }), settings);
    await again.flush();
    expect(refusals).toBe(refusalsWhenDead);

    // a SuperAdmin's retry puts it back in line; still refused, it comes back dead after maxAttempts more
    expect(await again.retryDead(refused.id)).toBe(true);
    expect(await again.retryDead(others[0]!.id)).toBe(false);
    expect(await again.pending()).toBe(1);
  });

  it('does not let an unreadable row stop the delivery of the others', async () => {
    const db = client.db(database);
    await db.collection('audit_outbox').deleteMany({});
    // an event too deep for the driver to read back, as an unbounded input once left in the outbox
    let deep: Record<string, unknown> = { nic_passport: 'N0000000' };
    for (let i = 0; i < 1_500; i += 1) deep = { a: deep };
    const poisoned = { ...event('updateMember'), changes: { before: null, after: deep } };
    await db.collection('audit_outbox').insertOne({
      id: poisoned.id,
      event: poisoned,
      attempts: 0,
      next_attempt_at: new Date(Date.now() - 1_000),
      created_at: new Date(),
    });
    const delivered: string[] = [];
    const sink: AuditSink = {
      async deliver(events) {
        delivered.push(...events.map((e) => e.id));
      },
    };
    const outbox = new AuditOutbox(db, sink, createLogger({ name: 't', level: 'silent' }), settings);
    const others = [event('registerMember'), event('redeemReward')];
    outbox.start();
    for (const e of others) outbox.record(e);
    await until(async () => (await outbox.deadLetters(10)).count === 1 && delivered.length === others.length);
    await outbox.stop();

    expect([...delivered].sort()).toEqual(others.map((e) => e.id).sort());
    const dead = await outbox.deadLetters(10);
    expect(dead.items.map((d) => [d.id, d.attempts, d.lastError?.code])).toEqual([
      [poisoned.id, settings.maxAttempts, 'RangeError'],
    ]);
    expect(JSON.stringify(dead)).not.toContain('N0000000');
    expect(await outbox.pending()).toBe(0);
  });
});
