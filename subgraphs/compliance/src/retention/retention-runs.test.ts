import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { createComplianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { AUDIT_LOGS } from '../audit/audit-log-store';
import { COMPLIANCE_REPORTS } from '../reports/compliance-report-store';
import { DATA_RETENTION_POLICIES } from './retention-policy-store';
import { RETENTION_RUNS } from './retention-run-store';
import { createStores } from '../services';
import { CompliancePrivacy } from '../privacy/compliance-privacy';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { IDENTITIES, accountOf, auditLogDoc, errorCode, policyDoc, reportDoc } from '../testing/fixtures';
import { startTestGaming } from '../testing/upstreams';
import type { TestUpstream } from '../testing/upstreams';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { RetentionRunner } from './retention-runner';
import { developmentSigner, ServiceClient } from '@casino/auth';

const RUN_FIELDS = `id status triggeredBy dataCategory batches archived deleted anonymised skipped remaining
  startedAt finishedAt error policy { id }`;
const CREATE = `mutation($input: CreateDataRetentionPolicyInput!) { createDataRetentionPolicy(input: $input) { id } }`;
const APPROVE = `mutation($id: ID!) { approveDataRetentionPolicy(id: $id) { id status } }`;
const RUN = `mutation($id: ID!) { runRetentionPolicy(id: $id) { ${RUN_FIELDS} } }`;
const PLACE = `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { id subjectId placedBy { id } releasedAt } }`;
const RELEASE = `mutation($id: ID!) { releaseLegalHold(id: $id) { id releasedAt releasedBy { id } } }`;
const REPORT = `mutation($input: GenerateComplianceReportInput!) { generateComplianceReport(input: $input) { summary } }`;

interface RunView {
  id: string;
  status: string;
  triggeredBy: string;
  batches: number;
  archived: number;
  deleted: number;
  anonymised: number;
  skipped: number;
  remaining: number;
  [field: string]: unknown;
}

const { superAdmin, generalAdmin, gamingManager } = IDENTITIES;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const settings = {
  ...DEFAULT_COMPLIANCE_SETTINGS,
  retentionBatchSize: 2,
  retentionMaxBatches: 50,
  retentionRunIntervalMinutes: 0,
};

/** An ended session straight into gaming's database. */
function session(member: string, endedDaysAgo: number) {
  return {
    id: randomUUID(),
    member_id: member,
    session_start: new Date(ago(endedDaysAgo).getTime() - 3_600_000),
    session_end: ago(endedDaysAgo),
    game_type: 'baccarat',
    game_type_id: randomUUID(),
    table_number: 'BAC-01',
    seat_number: 2,
    machine_number: null,
    points_earned: 0,
    status: 'completed',
  };
}

describe('runRetentionPolicy end to end with the real gaming subgraph', () => {
  let gaming: TestUpstream;
  let harness: SubgraphHarness;
  let policyId: string;
  const amlMember = randomUUID();
  const heldMember = randomUUID();
  const ordinary = randomUUID();
  const run = (id: string, identity = generalAdmin) =>
    harness.execute<{ runRetentionPolicy: RunView }>(RUN, { id }, { identity });
  /** A runner over this harness's stores, as the schedule builds it */
  const runnerOf = (...rest: [{ gaming: ServiceClient }, typeof settings]) => {
    const stores = createStores(harness.db, harness.protector!);
    return new RetentionRunner(stores, new CompliancePrivacy(stores), ...rest);
  };
  const liveIds = (db: Db) => db.collection('gaming_sessions').countDocuments();

  beforeAll(async () => {
    gaming = await startTestGaming();
    harness = await startSubgraphHarness(createComplianceSubgraph(settings), {
      services: { gaming: gaming.client },
    });
    await harness.db
      .collection(ADMIN_USERS)
      .insertMany([accountOf(superAdmin), accountOf(generalAdmin), accountOf(gamingManager)]);
    // an open AML finding of a completed report holds amlMember's data
    await harness.db.collection(COMPLIANCE_REPORTS).insertOne(
      reportDoc({
        status: 'completed',
        violations: [
          {
            id: randomUUID(),
            category: 'aml',
            severity: 'high',
            status: 'open',
            description: 'CTR',
            detected_at: ago(3),
            member_id: amlMember,
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await harness.close();
    await gaming.stop();
  });

  it('creates, approves and runs a gaming_logs policy: counts, run record, audit event, report', async () => {
    await gaming.db
      .collection('gaming_sessions')
      .insertMany([
        session(ordinary, 10),
        session(ordinary, 40),
        session(ordinary, 50),
        session(ordinary, 400),
        session(ordinary, 500),
        session(amlMember, 600),
        session(heldMember, 45),
      ]);
    const created = await harness.execute<{ createDataRetentionPolicy: { id: string } }>(
      CREATE,
      {
        input: {
          policyName: 'Gaming session logs',
          dataCategory: 'gaming_logs',
          retentionPeriodDays: 365,
          archiveAfterDays: 30,
          legalBasis: 'PDPA 2022: legal obligation',
          exceptions: ['open_aml_case', 'legal_hold'],
        },
      },
      { identity: generalAdmin },
    );
    expect(created.errors).toBeUndefined();
    policyId = created.data!.createDataRetentionPolicy.id;

    // pending approval: not runnable yet
    expect(errorCode(await run(policyId))).toBe('CONFLICT');
    const approved = await harness.execute(APPROVE, { id: policyId }, { identity: superAdmin });
    expect(approved.errors).toBeUndefined();

    const hold = await harness.execute<{ placeLegalHold: { id: string } }>(
      PLACE,
      { input: { subjectId: heldMember, reason: 'Court order 2026/114' } },
      { identity: generalAdmin },
    );
    expect(hold.errors).toBeUndefined();
    expect(errorCode(await run(policyId, gamingManager))).toBe('FORBIDDEN');

    const result = await run(policyId);
    expect(result.errors).toBeUndefined();
    const first = result.data!.runRetentionPolicy;
    expect(first).toMatchObject({
      status: 'completed',
      triggeredBy: generalAdmin.userId,
      dataCategory: 'gaming_logs',
      archived: 4,
      deleted: 0,
      anonymised: 2,
      skipped: 2,
      remaining: 0,
      policy: { id: policyId },
    });
    expect(first.batches).toBeGreaterThan(1);
    expect(await liveIds(gaming.db)).toBe(3);
    expect(
      await gaming.db.collection('gaming_sessions_archive').countDocuments({ anonymised_at: { $ne: null } }),
    ).toBe(2);

    const stored = await harness.db
      .collection(RETENTION_RUNS)
      .findOne({ id: first.id }, { projection: { _id: 0 } });
    expect(stored).toMatchObject({
      policy_id: policyId,
      data_category: 'gaming_logs',
      status: 'completed',
      triggered_by: generalAdmin.userId,
      archived: 4,
      anonymised: 2,
    });
    expect(stored!.started_at).toBeInstanceOf(Date);
    expect(stored!.finished_at).toBeInstanceOf(Date);
    expect(stored).not.toHaveProperty('running_policy_id');

    const event = await harness.db
      .collection(AUDIT_LOGS)
      .findOne({ action: 'retention.run', target_id: policyId });
    expect(event).toMatchObject({
      admin_user_id: generalAdmin.userId,
      target_type: 'DataRetentionPolicy',
      outcome: 'allowed',
      changes: { after: { runId: first.id, archived: 4, anonymised: 2, skipped: 2 } },
    });

    const report = await harness.execute<{ generateComplianceReport: { summary: Record<string, unknown> } }>(
      REPORT,
      {
        input: {
          reportType: 'data_retention',
          periodStart: ago(30).toISOString(),
          periodEnd: new Date(Date.now() + DAY).toISOString(),
        },
      },
      { identity: generalAdmin },
    );
    expect(report.errors).toBeUndefined();
    const runs = report.data!.generateComplianceReport.summary.lastRetentionRuns as Record<string, unknown>[];
    expect(runs[0]).toMatchObject({ id: first.id, policy_id: policyId, status: 'completed', archived: 4 });

    // a second run right after changes nothing
    const again = await run(policyId);
    expect(again.data!.runRetentionPolicy).toMatchObject({
      status: 'completed',
      archived: 0,
      deleted: 0,
      anonymised: 0,
      remaining: 0,
    });
    expect(await liveIds(gaming.db)).toBe(3);

    // released, the held member's old session goes the next time
    const released = await harness.execute<{ releaseLegalHold: { releasedAt: string | null } }>(
      RELEASE,
      { id: hold.data!.placeLegalHold.id },
      { identity: generalAdmin },
    );
    expect(released.data!.releaseLegalHold.releasedAt).toEqual(expect.any(String));
    expect(
      errorCode(
        await harness.execute(RELEASE, { id: hold.data!.placeLegalHold.id }, { identity: generalAdmin }),
      ),
    ).toBe('CONFLICT');
    expect((await run(policyId)).data!.runRetentionPolicy).toMatchObject({ archived: 1, skipped: 1 });
  });

  it('the schedule runs every active policy, audit_logs in-process', async () => {
    await harness.db
      .collection(AUDIT_LOGS)
      .insertMany([
        auditLogDoc({ timestamp: ago(5) }),
        auditLogDoc({ timestamp: ago(100) }),
        auditLogDoc({ timestamp: ago(4000), ip: '10.0.0.9' }),
        auditLogDoc({ timestamp: ago(4000), target_id: amlMember }),
      ]);
    await harness.db.collection(DATA_RETENTION_POLICIES).insertOne(
      policyDoc({
        data_category: 'audit_logs',
        status: 'active',
        approved_by: superAdmin.userId,
        approval_date: ago(1),
        archive_after_days: 90,
        retention_period_days: 3650,
        auto_delete: true,
        exceptions: ['open_aml_case'],
      }),
    );
    const runner = runnerOf({ gaming: gaming.client }, settings);
    const runs = await runner.runAllActive();
    expect(runs.map((r) => [r.data_category, r.status, r.triggered_by]).sort()).toEqual([
      ['audit_logs', 'completed', 'schedule'],
      ['gaming_logs', 'completed', 'schedule'],
    ]);
    const audit = runs.find((r) => r.data_category === 'audit_logs')!;
    expect(audit).toMatchObject({ archived: 2, deleted: 1, skipped: 1, remaining: 0 });
    // the held member's entry stays where it is
    expect(await harness.db.collection(AUDIT_LOGS).countDocuments({ target_id: amlMember })).toBe(1);
    expect(await harness.db.collection('audit_logs_archive').countDocuments()).toBe(1);
    const rerun = await runner.runAllActive();
    expect(rerun.map((r) => r.archived + r.deleted + r.anonymised)).toEqual([0, 0]);
  });

  it('stops at the batch limit (the next run carries on) and runs one policy at a time', async () => {
    const member = randomUUID();
    await gaming.db
      .collection('gaming_sessions')
      .insertMany([session(member, 60), session(member, 61), session(member, 62)]);
    const limited = runnerOf(
      { gaming: gaming.client },
      { ...settings, retentionBatchSize: 1, retentionMaxBatches: 2 },
    );
    const first = await limited.runNow(generalAdmin, policyId);
    expect(first).toMatchObject({ status: 'completed', batches: 2, archived: 2, remaining: 1 });
    expect(await limited.runNow(generalAdmin, policyId)).toMatchObject({ archived: 1, remaining: 0 });

    // a run in progress holds the policy; one abandoned long ago does not
    const inProgress = {
      id: randomUUID(),
      policy_id: policyId,
      running_policy_id: policyId,
      status: 'running',
    };
    await harness.db.collection(RETENTION_RUNS).insertOne({ ...inProgress, started_at: new Date() });
    expect(errorCode(await run(policyId))).toBe('CONFLICT');
    await harness.db
      .collection(RETENTION_RUNS)
      .updateOne({ id: inProgress.id }, { $set: { started_at: ago(1) } });
    expect((await run(policyId)).data!.runRetentionPolicy).toMatchObject({ status: 'completed' });
    expect(await harness.db.collection(RETENTION_RUNS).findOne({ id: inProgress.id })).toMatchObject({
      status: 'failed',
    });
  });

  it('an unreachable owner fails the run with SERVICE_UNAVAILABLE; the run is recorded as failed', async () => {
    const down = await startSubgraphHarness(createComplianceSubgraph(settings), {
      services: {
        gaming: new ServiceClient({
          url: 'http://127.0.0.1:9/graphql',
          target: 'gaming',
          signer: developmentSigner('compliance'),
          timeoutMs: 1_000,
        }),
      },
    });
    try {
      const policy = policyDoc({
        data_category: 'gaming_logs',
        status: 'active',
        approved_by: superAdmin.userId,
        approval_date: ago(1),
      });
      await down.db.collection(DATA_RETENTION_POLICIES).insertOne({ ...policy });
      await down.db.collection(ADMIN_USERS).insertOne(accountOf(generalAdmin));
      const result = await down.execute(RUN, { id: policy.id }, { identity: generalAdmin });
      expect(errorCode(result)).toBe('SERVICE_UNAVAILABLE');
      const stored = await down.db.collection(RETENTION_RUNS).findOne({ policy_id: policy.id });
      expect(stored).toMatchObject({ status: 'failed', archived: 0 });
      expect(stored!.error).toEqual(expect.any(String));
      expect(await down.db.collection(AUDIT_LOGS).findOne({ action: 'retention.run' })).toMatchObject({
        outcome: 'failed',
      });
      // not stuck: the next attempt runs (and fails) again
      expect(errorCode(await down.execute(RUN, { id: policy.id }, { identity: generalAdmin }))).toBe(
        'SERVICE_UNAVAILABLE',
      );
      expect(errorCode(await down.execute(RUN, { id: randomUUID() }, { identity: generalAdmin }))).toBe(
        'NOT_FOUND',
      );
    } finally {
      await down.close();
    }
  });
});
