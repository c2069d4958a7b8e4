import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { AuditEvent } from './event';
import { AuditOutbox } from './outbox';
import type { AuditSink } from './outbox';
import { REDACTED, redact } from './redact';

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
