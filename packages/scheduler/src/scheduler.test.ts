import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { retryDelayMs } from '@casino/mongo';
import { RowClaims } from './claims';
import { nextSlot } from './schedule';
import { SCHEDULER_JOBS, Scheduler } from './scheduler';
import type { JobPass, ScheduledJob } from './scheduler';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);

describe('schedule slots', () => {
  it('counts interval slots from midnight UTC, or from a UTC time of day', () => {
    expect(nextSlot({ everyMs: HOUR }, at('2026-03-02T10:20:00Z'))).toEqual(at('2026-03-02T11:00:00Z'));
    // strictly after: a pass at a slot's instant is due at the next one
    expect(nextSlot({ everyMs: HOUR }, at('2026-03-02T11:00:00Z'))).toEqual(at('2026-03-02T12:00:00Z'));
    expect(nextSlot({ everyMs: DAY, at: '03:00' }, at('2026-03-02T02:59:59Z'))).toEqual(
      at('2026-03-02T03:00:00Z'),
    );
    expect(nextSlot({ everyMs: DAY, at: '03:00' }, at('2026-03-02T03:00:00Z'))).toEqual(
      at('2026-03-03T03:00:00Z'),
    );
    expect(nextSlot({ everyMs: 6 * HOUR, at: '01:30' }, at('2026-03-02T08:00:00Z'))).toEqual(
      at('2026-03-02T13:30:00Z'),
    );
    expect(() => nextSlot({ everyMs: DAY, at: '3am' }, new Date())).toThrow(/HH:MM/);
  });
});

describe('retry backoff with jitter', () => {
  it('doubles from the base up to the cap, and without jitter is exact', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 1_000, 4_000))).toEqual([
      1_000, 2_000, 4_000, 4_000, 4_000,
    ]);
  });

  it('equal jitter (0.5) stays between half and all of the capped wait; full jitter (1) anywhere up to it', () => {
    for (const [attempts, capped] of [
      [1, 1_000],
      [3, 4_000],
      [9, 60_000],
    ] as const) {
      expect(retryDelayMs(attempts, 1_000, 60_000, 0.5, () => 0)).toBe(capped);
      expect(retryDelayMs(attempts, 1_000, 60_000, 0.5, () => 0.999_999)).toBe(Math.round(capped / 2));
      expect(retryDelayMs(attempts, 1_000, 60_000, 1, () => 0.999_999)).toBe(0);
      const draws = Array.from({ length: 500 }, () => retryDelayMs(attempts, 1_000, 60_000, 0.5));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(capped / 2);
      expect(Math.max(...draws)).toBeLessThanOrEqual(capped);
      // spread out, not one value
      expect(new Set(draws).size).toBeGreaterThan(50);
    }
  });
});

describe('Scheduler', () => {
  let clientA: MongoClient;
  let clientB: MongoClient;
  let dbA: Db;
  let dbB: Db;
  let now: Date;
  const clock = () => now;

  beforeAll(async () => {
    clientA = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
    clientB = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  beforeEach(() => {
    const name = `tsched_${randomUUID().slice(0, 8)}`;
    // two replicas: the same database through two clients
    dbA = clientA.db(name);
    dbB = clientB.db(name);
    now = at('2026-03-02T03:00:00Z');
  });
  afterEach(async () => {
    await dbA.dropDatabase();
  });
  afterAll(async () => {
    await clientA.close();
    await clientB.close();
  });

  function countingJob(name: string, everyMs: number, options: { at?: string; durationMs?: number } = {}) {
    const passes: JobPass[] = [];
    const job: ScheduledJob = {
      name,
      schedule: { everyMs, at: options.at },
      async run(pass) {
        passes.push(pass);
        if (options.durationMs) await new Promise((resolve) => setTimeout(resolve, options.durationMs));
      },
    };
    return { job, passes };
  }

  it('a restart (a new scheduler on the same database) neither repeats nor skips a daily job', async () => {
    const { job, passes } = countingJob('daily', DAY, { at: '03:00' });
    const first = new Scheduler({ db: dbA, jobs: [job], now: clock, owner: 'first' });
    await first.register();
    expect(await first.runDue()).toEqual([]);
    now = at('2026-03-03T03:00:00Z');
    expect(await first.runDue()).toEqual(['daily']);
    await first.stop();

    // restarted the same morning: today's run is done, nothing runs again
    now = at('2026-03-03T10:00:00Z');
    const second = new Scheduler({ db: dbB, jobs: [job], now: clock, owner: 'second' });
    await second.register();
    expect(await second.runDue()).toEqual([]);
    now = at('2026-03-04T02:59:00Z');
    expect(await second.runDue()).toEqual([]);
    now = at('2026-03-04T03:00:00Z');
    expect(await second.runDue()).toEqual(['daily']);
    await second.stop();

    // down over two 03:00 slots: the missed day runs once when a replica is back, then the schedule goes on
    now = at('2026-03-06T05:00:00Z');
    const third = new Scheduler({ db: dbA, jobs: [job], now: clock, owner: 'third' });
    await third.register();
    expect(await third.runDue()).toEqual(['daily']);
    expect(await third.runDue()).toEqual([]);
    const [state] = await third.state();
    expect(state).toMatchObject({
      name: 'daily',
      next_run_at: at('2026-03-07T03:00:00Z'),
      lease_owner: null,
      last_outcome: 'ok',
      runs: 3,
    });
    await third.stop();
    expect(passes.map((p) => [p.owner, p.scheduledFor.toISOString()])).toEqual([
      ['first', '2026-03-03T03:00:00.000Z'],
      ['second', '2026-03-04T03:00:00.000Z'],
      ['third', '2026-03-05T03:00:00.000Z'],
    ]);
  });

  it('a changed schedule starts from its own next slot', async () => {
    const hourly = countingJob('report', HOUR);
    const a = new Scheduler({ db: dbA, jobs: [hourly.job], now: clock });
    await a.register();
    const daily = countingJob('report', DAY, { at: '06:00' });
    const b = new Scheduler({ db: dbB, jobs: [daily.job], now: clock, log: silent() as never });
    await b.register();
    const [state] = await b.state();
    expect(state).toMatchObject({
      next_run_at: at('2026-03-02T06:00:00Z'),
      schedule: 'every 1d from 06:00 UTC',
    });
  });

  it('two replicas polling the same job: each slot runs once, on whichever took the lease', async () => {
    const { job, passes } = countingJob('busy', HOUR, { durationMs: 30 });
    const a = new Scheduler({ db: dbA, jobs: [job], now: clock, owner: 'a' });
    const b = new Scheduler({ db: dbB, jobs: [job], now: clock, owner: 'b' });
    await Promise.all([a.register(), b.register()]);
    expect(await dbA.collection(SCHEDULER_JOBS).countDocuments()).toBe(1);
    for (let slot = 1; slot <= 10; slot += 1) {
      now = new Date(at('2026-03-02T03:00:00Z').getTime() + slot * HOUR);
      const ran = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      expect(ran.flat()).toEqual(['busy']);
    }
    expect(passes).toHaveLength(10);
    expect(new Set(passes.map((p) => p.scheduledFor.getTime())).size).toBe(10);
  });

  it('renews the lease while a long pass runs, so no other replica takes it; an expired lease is taken over', async () => {
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const passes: string[] = [];
    const job = (owner: string): ScheduledJob => ({
      name: 'long',
      schedule: { everyMs: HOUR },
      async run() {
        passes.push(owner);
        await holding;
      },
    });
    // real time here: the lease is 150 ms and the pass runs for many leases
    const a = new Scheduler({ db: dbA, jobs: [job('a')], owner: 'a', leaseMs: 150 });
    const b = new Scheduler({ db: dbB, jobs: [job('b')], owner: 'b', leaseMs: 150 });
    await a.register();
    await dbA.collection(SCHEDULER_JOBS).updateOne({ name: 'long' }, { $set: { next_run_at: new Date(0) } });
    const running = a.runDue();
    for (let i = 0; i < 10; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await b.runDue()).toEqual([]);
    }
    release();
    expect(await running).toEqual(['long']);
    expect(passes).toEqual(['a']);

    // a replica that died mid-pass: its lease runs out and another runs the slot again
    await dbA
      .collection(SCHEDULER_JOBS)
      .updateOne(
        { name: 'long' },
        { $set: { next_run_at: new Date(0), lease_owner: 'gone', lease_until: new Date(Date.now() - 1) } },
      );
    expect(await b.runDue()).toEqual(['long']);
    expect(passes).toEqual(['a', 'b']);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a failed pass is recorded and the job runs again at its next slot', async () => {
    let fail = true;
    const job: ScheduledJob = {
      name: 'flaky',
      schedule: { everyMs: HOUR },
      async run() {
        if (fail) throw new Error('owner down');
      },
    };
    const log = silent();
    const s = new Scheduler({ db: dbA, jobs: [job], now: clock, log: log as never });
    await s.register();
    now = at('2026-03-02T04:00:00Z');
    expect(await s.runDue()).toEqual(['flaky']);
    expect((await s.state())[0]).toMatchObject({
      last_outcome: 'failed',
      last_error: { code: 'Error' },
      next_run_at: at('2026-03-02T05:00:00Z'),
      lease_owner: null,
    });
    expect(log.error).toHaveBeenCalledTimes(1);
    fail = false;
    now = at('2026-03-02T05:00:00Z');
    expect(await s.runDue()).toEqual(['flaky']);
    expect((await s.state())[0]).toMatchObject({ last_outcome: 'ok', runs: 2 });
  });

  it('runNow runs a pass before its slot without moving it; stop lets a running pass finish', async () => {
    let finished = false;
    const job: ScheduledJob = {
      name: 'outbox',
      schedule: { everyMs: HOUR },
      async run() {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      },
    };
    const s = new Scheduler({ db: dbA, jobs: [job], now: clock });
    await s.register();
    const running = s.runNow('outbox');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await s.stop();
    expect(finished).toBe(true);
    expect(await running).toBe(true);
    expect((await s.state())[0]).toMatchObject({ next_run_at: at('2026-03-02T04:00:00Z'), runs: 1 });
    expect(await s.runNow('outbox')).toBe(false);
  });

  it('polls on its own with jitter once started', async () => {
    const { job, passes } = countingJob('tick', 40);
    const s = new Scheduler({ db: dbA, jobs: [job] });
    await s.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await s.stop();
    expect(passes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(passes.map((p) => p.scheduledFor.getTime())).size).toBe(passes.length);
  });
});

describe('RowClaims', () => {
  let clientA: MongoClient;
  let clientB: MongoClient;
  let dbA: Db;
  let dbB: Db;
  interface Row {
    id: number;
    due: boolean;
    claimed_by?: string | null;
    claimed_until?: Date | null;
  }
  beforeAll(async () => {
    clientA = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
    clientB = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  beforeEach(async () => {
    const name = `tclaim_${randomUUID().slice(0, 8)}`;
    dbA = clientA.db(name);
    dbB = clientB.db(name);
    await dbA
      .collection<Row>('rows')
      .insertMany(Array.from({ length: 60 }, (_, i) => ({ id: i, due: i % 10 !== 9 })));
  });
  afterEach(async () => {
    await dbA.dropDatabase();
  });
  afterAll(async () => {
    await clientA.close();
    await clientB.close();
  });

  it('two replicas claiming batches at once never hold the same row, and together take every due row', async () => {
    const claimsA = new RowClaims(dbA.collection<Row>('rows'), { leaseMs: 60_000 });
    const claimsB = new RowClaims(dbB.collection<Row>('rows'), { leaseMs: 60_000 });
    const taken = { a: [] as number[], b: [] as number[] };
    const drain = async (claims: RowClaims<Row>, into: number[], batch: number) => {
      for (;;) {
        const claim = await claims.claimBatch({ due: true }, { id: 1 }, batch);
        if (claim.rows.length === 0) return;
        into.push(...claim.rows.map((r) => r.id));
      }
    };
    await Promise.all([drain(claimsA, taken.a, 4), drain(claimsB, taken.b, 3)]);
    const all = [...taken.a, ...taken.b].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 10 !== 9));
    expect(taken.a.filter((id) => taken.b.includes(id))).toEqual([]);
  });

  it('claimOne from two replicas: each row once', async () => {
    const claimsA = new RowClaims(dbA.collection<Row>('rows'), { leaseMs: 60_000 });
    const claimsB = new RowClaims(dbB.collection<Row>('rows'), { leaseMs: 60_000 });
    const taken: number[] = [];
    const drain = async (claims: RowClaims<Row>) => {
      for (let claim = await claims.claimOne({ due: true }, { id: 1 }); claim;) {
        taken.push(claim.rows[0]!.id);
        claim = await claims.claimOne({ due: true }, { id: 1 });
      }
    };
    await Promise.all([drain(claimsA), drain(claimsB), drain(claimsA), drain(claimsB)]);
    expect(taken).toHaveLength(54);
    expect(new Set(taken).size).toBe(54);
  });

  it('an expired claim is taken over, and the first holder can no longer finish the row', async () => {
    let now = at('2026-03-02T03:00:00Z');
    const rows = dbA.collection<Row>('rows');
    const claims = new RowClaims(rows, { leaseMs: 1_000, now: () => now });
    const first = (await claims.claimOne({ id: 0 }, { id: 1 }))!;
    expect(await claims.claimOne({ id: 0 }, { id: 1 })).toBeNull();
    now = new Date(now.getTime() + 1_000);
    const second = (await claims.claimOne({ id: 0 }, { id: 1 }))!;
    expect(second.token).not.toBe(first.token);
    const late = await rows.updateOne(
      { id: 0, ...claims.held(first.token) },
      { $set: { due: false, ...claims.released() } },
    );
    expect(late.matchedCount).toBe(0);
    const done = await rows.updateOne(
      { id: 0, ...claims.held(second.token) },
      { $set: { due: false, ...claims.released() } },
    );
    expect(done.matchedCount).toBe(1);
    expect(await rows.findOne({ id: 0 }, { projection: { _id: 0 } })).toEqual({
      id: 0,
      due: false,
      claimed_by: null,
      claimed_until: null,
    });
  });
});

function silent() {
  return { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
}
