import { randomUUID } from 'node:crypto';
import { Scheduler } from '@casino/scheduler';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { complianceSubgraph } from '../index';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { auditLogDoc } from '../testing/fixtures';
import { AUDIT_LOGS } from './audit-log-store';
import type { AuditLogDocument } from './audit-log-store';
import { AUDIT_LOG_MIGRATIONS, AuditMemberBackfill, auditMemberBackfillJobs } from './member-backfill';
import type { BackfillCounts } from './member-backfill';

const HISTORY = /* GraphQL */ `
  query History($filter: AuditLogFilter) {
    auditLogs(filter: $filter, first: 50) {
      edges {
        node {
          id
          action
          outcome
        }
      }
    }
  }
`;

describe('backfill of audit entries stored before member_id was kept', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
  });
  afterAll(() => harness.close());

  const entries = () => harness.db.collection<AuditLogDocument>(AUDIT_LOGS);
  const history = async (memberId: string) => {
    const result = await harness.execute<{ auditLogs: { edges: { node: { id: string } }[] } }>(HISTORY, {
      filter: { targetId: memberId },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.auditLogs.edges.map((e) => e.node.id).sort();
  };

  it("puts a member's older point adjustments, redemptions and comps in their history, once", async () => {
    const memberId = randomUUID();
    const other = randomUUID();
    const ledgerEntryId = randomUUID();
    // as stored before member_id was kept: snake_case keys, the member only inside the change
    const old = [
      auditLogDoc({
        action: 'adjustPoints',
        target_type: 'PointsLedgerEntry',
        target_id: ledgerEntryId,
        changes: { before: null, after: { id: ledgerEntryId, member_id: memberId, amount: 500 } },
      }),
      auditLogDoc({
        action: 'adjustPoints',
        target_type: 'PointsLedgerEntry',
        target_id: randomUUID(),
        changes: { before: { pointsBalance: 0 }, after: { pointsBalance: 50, entry: { memberId } } },
      }),
      auditLogDoc({
        action: 'cancelRedemption',
        target_type: 'RewardRedemption',
        target_id: randomUUID(),
        changes: { before: null, after: { member_id: memberId, status: 'cancelled' } },
      }),
      auditLogDoc({
        action: 'approveComp',
        target_type: 'Comp',
        target_id: randomUUID(),
        outcome: 'denied',
        changes: { before: null, after: { memberId, compId: randomUUID() } },
      }),
    ];
    const untouched = [
      // another member's, and one naming no member
      auditLogDoc({
        action: 'adjustPoints',
        target_type: 'PointsLedgerEntry',
        target_id: randomUUID(),
        changes: { before: null, after: { member_id: other, amount: 1 } },
      }),
      auditLogDoc({ action: 'login', target_type: 'AdminUser', changes: null }),
      // found by its target already: no member_id beside it, as new entries keep none
      auditLogDoc({
        action: 'adjustPoints',
        target_type: 'PointsLedgerEntry',
        target_id: memberId,
        outcome: 'denied',
        changes: { before: null, after: { memberId, amount: 10 } },
      }),
      auditLogDoc({ target_id: memberId }),
    ];
    await entries().insertMany([...old, ...untouched].map((entry) => ({ ...entry })));
    expect(await history(memberId)).toEqual([untouched[2]!.id, untouched[3]!.id].sort());

    // two replicas, each with the job, on one clock: the scheduler's lease gives each slot to one of them
    let now = new Date('2026-03-02T10:00:00.000Z');
    const passes: BackfillCounts[] = [];
    const logged: unknown[] = [];
    const settings = { ...DEFAULT_COMPLIANCE_SETTINGS, auditMemberBackfillBatchSize: 3 };
    const replicas = [0, 1].map(
      () =>
        new Scheduler({
          db: harness.db,
          now: () => now,
          jobs: auditMemberBackfillJobs(
            {
              run: async (limits) => {
                const counts = await new AuditMemberBackfill(harness.db).run(limits, now);
                passes.push(counts);
                return counts;
              },
            },
            settings,
            { info: (fields: unknown) => logged.push(fields) },
          ),
        }),
    );
    for (const replica of replicas) await replica.register();
    now = new Date(now.getTime() + settings.auditMemberBackfillIntervalMinutes * 60_000);
    await Promise.all(replicas.map((replica) => replica.runDue()));

    expect(passes).toEqual([{ scanned: 7, updated: 5, finished: true }]);
    expect(await history(memberId)).toEqual([...old, untouched[2]!, untouched[3]!].map((e) => e.id).sort());
    expect(await history(other)).toEqual([untouched[0]!.id]);
    expect(await entries().countDocuments({ id: untouched[2]!.id, member_id: { $exists: true } })).toBe(0);
    // counts only in the log: no member id, no change
    expect(logged).toEqual([{ scanned: 7, updated: 5, finished: true }]);

    const before = await entries()
      .find({}, { projection: { _id: 0 } })
      .sort({ id: 1 })
      .toArray();
    now = new Date(now.getTime() + settings.auditMemberBackfillIntervalMinutes * 60_000);
    await Promise.all(replicas.map((replica) => replica.runDue()));
    expect(passes.slice(1)).toEqual([{ scanned: 0, updated: 0, finished: true }]);
    expect(
      await entries()
        .find({}, { projection: { _id: 0 } })
        .sort({ id: 1 })
        .toArray(),
    ).toEqual(before);
    expect(
      await harness.db.collection(AUDIT_LOG_MIGRATIONS).findOne({}, { projection: { _id: 0 } }),
    ).toMatchObject({ name: 'member-ids', scanned: 7, updated: 5, finished_at: expect.any(Date) });
    for (const replica of replicas) await replica.stop();
  });

  it("reads an older entry's snake_case changes with the API's key names", async () => {
    const memberId = randomUUID();
    const entry = auditLogDoc({
      action: 'redeemReward',
      target_type: 'RewardRedemption',
      changes: {
        before: null,
        after: { member_id: memberId, points_spent: 200, preferences: { seat_row: 'A' } },
      },
    });
    await entries().insertOne({ ...entry });
    const result = await harness.execute<{ auditLog: { changes: unknown } }>(
      'query ($id: ID!) { auditLog(id: $id) { changes } }',
      { id: entry.id },
    );
    expect(result.data!.auditLog.changes).toEqual({
      before: null,
      after: { memberId, pointsSpent: 200, preferences: { seat_row: 'A' } },
    });
  });

  it('carries on where the last pass stopped, batch by batch', async () => {
    await harness.db.collection(AUDIT_LOG_MIGRATIONS).deleteMany({});
    const memberId = randomUUID();
    const old = Array.from({ length: 5 }, () =>
      auditLogDoc({
        action: 'redeemComp',
        target_type: 'Comp',
        target_id: randomUUID(),
        changes: { before: null, after: { member_id: memberId } },
      }),
    );
    await entries().insertMany(old.map((entry) => ({ ...entry })));
    const backfill = new AuditMemberBackfill(harness.db);
    const limits = { batchSize: 2, maxBatches: 1 };
    const first = await backfill.run(limits);
    expect(first).toMatchObject({ scanned: 2, finished: false });
    const rest: BackfillCounts[] = [];
    for (let pass = 0; pass < 10 && !rest.at(-1)?.finished; pass += 1) rest.push(await backfill.run(limits));
    expect(rest.at(-1)!.finished).toBe(true);
    expect(await history(memberId)).toEqual(old.map((e) => e.id).sort());
    expect(await backfill.run(limits)).toEqual({ scanned: 0, updated: 0, finished: true });
  });
});
