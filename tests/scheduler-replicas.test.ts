import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { complianceSubgraph } from '@casino/compliance';
import { createGamingSubgraph, DEFAULT_GAMING_SETTINGS } from '@casino/gaming';
import type { GamingContext, GamingServices } from '@casino/gaming';
import {
  insertGameTypes,
  insertSessions,
  sessionFixture,
  standardGameTypes,
  startTestLoyalty,
} from '@casino/gaming/testing';
import type { TestLoyalty } from '@casino/gaming/testing';
import type { JobPass, ScheduledJob } from '@casino/scheduler';
import type { SubgraphDefinition } from '@casino/server';
import { startCaptureProxy } from './support/capture-proxy';
import type { CaptureProxy } from './support/capture-proxy';
import { startServedSubgraph, uniqueDatabase } from '@casino/testing';
import type { ServedSubgraph } from '@casino/testing';

const SESSIONS = 20;
const AUDIT_EVENTS = 40;

/**
 * Two replicas of gaming, each a full subgraph with its own MongoClient, on one database: every pass of a
 * scheduled job runs on one of them only, every point credit reaches the real loyalty once and every audit
 * event reaches the real compliance once, counted at HTTP proxies in front of them.
 */
describe('two replicas of a subgraph share its jobs and outboxes', () => {
  const database = uniqueDatabase('gaming');
  const passes: JobPass[] = [];
  let client: MongoClient;
  let compliance: ServedSubgraph;
  let loyalty: TestLoyalty;
  let toCompliance: CaptureProxy;
  let toLoyalty: CaptureProxy;
  let toGaming: CaptureProxy;
  const replicas: ServedSubgraph[] = [];

  // a job of the replicas' own scheduler that only counts its passes, beside gaming's real ones
  const counted: ScheduledJob = {
    name: 'counted-pass',
    schedule: { everyMs: 100 },
    async run(pass) {
      passes.push(pass);
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
  const gaming = createGamingSubgraph({
    ...DEFAULT_GAMING_SETTINGS,
    creditDispatchIntervalMs: 100,
    creditBatchSize: 4,
  });
  const replica: SubgraphDefinition<GamingContext, GamingServices> = {
    ...gaming,
    jobs: (deps, services) => [...gaming.jobs!(deps, services), counted],
  };

  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
    compliance = await startServedSubgraph(complianceSubgraph);
    toCompliance = await startCaptureProxy(compliance.running.url);
    // loyalty checks each credit against gaming: at the first replica, once it is up
    toGaming = await startCaptureProxy(() => replicas[0]!.running.url);
    loyalty = await startTestLoyalty({ gamingUrl: toGaming.url });
    toLoyalty = await startCaptureProxy(loyalty.running.url);
    await insertGameTypes(client.db(database), [standardGameTypes().baccarat]);
    const env = {
      MONGODB_DATABASE: database,
      LOYALTY_URL: toLoyalty.url,
      COMPLIANCE_URL: toCompliance.url,
      AUDIT_FLUSH_INTERVAL_MS: '100',
      SCHEDULER_POLL_MS: '50',
    };
    replicas.push(
      ...(await Promise.all([startServedSubgraph(replica, { env }), startServedSubgraph(replica, { env })])),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.running.stop()));
    await client.db(database).dropDatabase();
    await client.close();
    await Promise.all([toCompliance, toLoyalty, toGaming].map((proxy) => proxy?.stop()));
    await loyalty?.stop();
    await compliance?.stop();
  });

  it('runs each job pass once and delivers each outbox row once', async () => {
    const db = client.db(database);
    const members = await Promise.all(Array.from({ length: SESSIONS }, () => loyalty.addMember()));
    const baccarat = (await db
      .collection('game_types')
      .findOne({ code: 'baccarat' }, { projection: { _id: 0 } }))!;
    const sessions = members.map((memberId, i) =>
      sessionFixture(baccarat as never, {
        member_id: memberId,
        table_number: `BAC-${i}`,
        points_earned: 0,
        credit: { status: 'pending', attempts: 0, next_attempt_at: new Date() },
      }),
    );
    const events = Array.from({ length: AUDIT_EVENTS }, () => ({
      id: randomUUID(),
      timestamp: new Date(),
      actorId: randomUUID(),
      actorUsername: 'manager',
      role: 'Manager',
      service: 'gaming',
      action: 'endGamingSession',
      targetType: 'GamingSession',
      targetId: randomUUID(),
      changes: null,
      requestId: `replicas-${randomUUID()}`,
      clientName: 'jest',
      ip: null,
      outcome: 'allowed',
    }));
    await insertSessions(db, sessions);
    const now = new Date();
    await db
      .collection('audit_outbox')
      .insertMany(
        events.map((event) => ({ id: event.id, event, attempts: 0, next_attempt_at: now, created_at: now })),
      );
    // what a recorded event does on the replica that served the request: a delivery pass at once, beside
    // the scheduled ones; here on both replicas at the same moment
    await Promise.all(replicas.flatMap((r) => [r.running.outbox.flush(), r.running.outbox.flush()]));

    const deadline = Date.now() + 20_000;
    for (;;) {
      const [undelivered, waiting] = await Promise.all([
        db.collection('gaming_sessions').countDocuments({ 'credit.status': { $ne: 'delivered' } }),
        db.collection('audit_outbox').countDocuments(),
      ]);
      if ((undelivered === 0 && waiting === 0 && passes.length >= 15) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const credited = toLoyalty.captured
      .map(
        (request) =>
          JSON.parse(request.body) as { query: string; variables: { input?: { sessionId: string } } },
      )
      .filter((body) => body.query.includes('creditGamingSession'))
      .map((body) => body.variables.input!.sessionId);
    const recorded = toCompliance.captured
      .map(
        (request) => JSON.parse(request.body) as { query: string; variables: { events?: { id: string }[] } },
      )
      .filter((body) => body.query.includes('recordAuditEvents'))
      .flatMap((body) => body.variables.events!.map((event) => event.id));
    const bySlot = new Map<number, string[]>();
    for (const pass of passes) {
      bySlot.set(pass.scheduledFor.getTime(), [
        ...(bySlot.get(pass.scheduledFor.getTime()) ?? []),
        pass.owner,
      ]);
    }
    console.info(
      `two replicas: ${passes.length} passes of the counted job in ${bySlot.size} slots ` +
        `(${replicas.map((r) => passes.filter((p) => p.owner === r.running.scheduler.owner).length).join(' + ')}), ` +
        `${credited.length} credit deliveries for ${SESSIONS} sessions, ` +
        `${recorded.length} audit deliveries for ${AUDIT_EVENTS} events`,
    );

    expect([...credited].sort()).toEqual(sessions.map((s) => s.id).sort());
    expect([...recorded].sort()).toEqual(events.map((e) => e.id).sort());
    // theo 38.16 x points rate 1 x Ruby multiplier 1.0, credited once
    const balances = await loyalty.db
      .collection('members')
      .find({ id: { $in: members } }, { projection: { _id: 0, points_balance: 1 } })
      .toArray();
    expect(balances.map((m) => m.points_balance)).toEqual(members.map(() => 38));
    // stopped as in a shutdown: passes running now finish, so every pass counted here is also recorded
    await Promise.all(replicas.map((r) => r.running.scheduler.stop()));
    expect(passes.length).toBeGreaterThanOrEqual(15);
    expect([...bySlot.values()].filter((owners) => owners.length > 1)).toEqual([]);
    // both replicas took part: the lease, not luck, kept the passes apart
    expect(new Set(passes.map((p) => p.owner))).toEqual(
      new Set(replicas.map((r) => r.running.scheduler.owner)),
    );
    const job = await db.collection('scheduler_jobs').findOne({ name: 'counted-pass' });
    expect(job!.runs).toBe(passes.length);
    expect(await db.collection('scheduler_jobs').countDocuments()).toBe(3);
  });
});
