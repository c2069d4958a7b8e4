import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Collection, Db, IndexDescription } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Identity, ServiceClient } from '@casino/auth';
import { ErrorCode, conflict, notFound } from '@casino/errors';
import type { Logger } from '@casino/logger';
import { toAuditLogDocument } from '../audit/audit-events';
import { AuditLogStore } from '../audit/audit-log-store';
import { MEMBER_COMPLIANCE_RULES } from '../members/member-compliance';
import { COMPLIANCE_REPORTS } from '../reports/compliance-report-store';
import type { ComplianceReportDocument } from '../reports/compliance-report-store';
import { RETENTION_RUNS } from '../reports/report-builders';
import { DATA_RETENTION_POLICIES } from '../retention/retention-policy-store';
import type { DataRetentionPolicyDocument, RetentionDataCategory } from '../retention/retention-policy-store';
import type { ComplianceSettings } from '../settings';
import { applyAuditRetention } from './audit-retention';
import { LegalHoldService } from './legal-hold-store';
import type { RetentionBatchInput, RetentionCounts } from '@casino/mongo';

export type RetentionRunStatus = 'running' | 'completed' | 'failed';

/**
 * One run of a retention policy, in `retention_runs` (the data retention report lists the latest by
 * `started_at`). The counts add up the batches; `skipped` and `remaining` are as of the last batch.
 */
export interface RetentionRunDocument extends RetentionCounts {
  id: string;
  policy_id: string;
  policy_name: string;
  data_category: RetentionDataCategory;
  /** `schedule`, or the id of the admin who ran it */
  triggered_by: string;
  status: RetentionRunStatus;
  started_at: Date;
  finished_at: Date | null;
  batches: number;
  /** Why a failed run failed (no personal data: the owner's error message) */
  error: string | null;
  /** The policy while the run is in progress (removed when it ends): one run per policy at a time */
  running_policy_id?: string;
}

export const retentionRunIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { started_at: -1 }, name: 'started_at_-1' },
  { key: { running_policy_id: 1 }, name: 'running_policy_id_1', unique: true, sparse: true },
];

export type RetentionRunSettings = Pick<
  ComplianceSettings,
  'retentionBatchSize' | 'retentionMaxBatches' | 'retentionRunStaleMinutes'
>;

/** Owners' mutations, one per category enforced by another subgraph. */
const OWNER_CALLS: Partial<Record<RetentionDataCategory, { service: string; field: string; input: string }>> =
  {
    gaming_logs: { service: 'gaming', field: 'applyGamingRetention', input: 'GamingRetentionInput' },
    marketing_data: {
      service: 'marketing',
      field: 'applyMarketingRetention',
      input: 'MarketingRetentionInput',
    },
    member_data: { service: 'loyalty', field: 'applyLoyaltyRetention', input: 'LoyaltyRetentionInput' },
  };

const ownerMutation = (field: string, input: string) => /* GraphQL */ `
  mutation ($input: ${input}!) {
    ${field}(input: $input) { archived deleted anonymised skipped remaining }
  }
`;

function serviceUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.ServiceUnavailable } });
}

/**
 * Enforces approved retention policies (PRODUCT.md §6): calls the category's owner one bounded batch at a
 * time until nothing is left or the batch limit is reached, records the run and a `retention.run` audit
 * event. An owner that is down fails the run (SERVICE_UNAVAILABLE on demand); the next schedule retries.
 */
export class RetentionRunner {
  readonly runs: Collection<RetentionRunDocument>;
  private readonly policies: Collection<DataRetentionPolicyDocument>;
  private readonly auditLogs: AuditLogStore;
  private readonly legalHolds: LegalHoldService;

  constructor(
    private readonly db: Db,
    private readonly services: Partial<Record<string, ServiceClient>>,
    private readonly settings: RetentionRunSettings,
    private readonly log?: Logger,
  ) {
    this.runs = db.collection<RetentionRunDocument>(RETENTION_RUNS);
    this.policies = db.collection<DataRetentionPolicyDocument>(DATA_RETENTION_POLICIES);
    this.auditLogs = new AuditLogStore(db);
    this.legalHolds = new LegalHoldService(db);
  }

  /** runRetentionPolicy: an admin runs one active policy now. */
  async runNow(identity: Identity, policyId: string, now = new Date()): Promise<RetentionRunDocument> {
    const policy = await this.policies.findOne({ id: policyId }, { projection: { _id: 0 } });
    if (!policy) throw notFound('DataRetentionPolicy', policyId);
    if (policy.status !== 'active' || !policy.approved_by) {
      throw conflict(`Only an active, approved policy can be run; this one is ${policy.status}`, 'id');
    }
    const run = await this.run(policy, identity, now);
    if (run.status === 'failed') throw serviceUnavailable(`Retention run failed: ${run.error ?? 'unknown'}`);
    return run;
  }

  /** The scheduled job: every active policy, one after the other; a failure fails only its own run. */
  async runAllActive(now = new Date()): Promise<RetentionRunDocument[]> {
    const active = await this.policies
      .find({ status: 'active', approved_by: { $ne: null } }, { projection: { _id: 0 } })
      .sort({ data_category: 1 })
      .toArray();
    const results: RetentionRunDocument[] = [];
    for (const policy of active) {
      try {
        results.push(await this.run(policy, null, now));
      } catch (error) {
        this.log?.warn({ err: error, policyId: policy.id }, 'retention run not started');
      }
    }
    return results;
  }

  private async run(
    policy: DataRetentionPolicyDocument,
    identity: Identity | null,
    now: Date,
  ): Promise<RetentionRunDocument> {
    const run: RetentionRunDocument = {
      id: randomUUID(),
      policy_id: policy.id,
      policy_name: policy.policy_name,
      data_category: policy.data_category,
      triggered_by: identity?.kind === 'admin' ? identity.userId : 'schedule',
      status: 'running',
      started_at: now,
      finished_at: null,
      batches: 0,
      archived: 0,
      deleted: 0,
      anonymised: 0,
      skipped: 0,
      remaining: 0,
      error: null,
      running_policy_id: policy.id,
    };
    await this.claim(run, now);
    try {
      const exceptions = await this.exceptionIds(policy);
      const input: RetentionBatchInput = {
        archiveAfterDays: policy.archive_after_days,
        retentionPeriodDays: policy.retention_period_days,
        autoDelete: policy.auto_delete,
        exceptions,
        batchSize: this.settings.retentionBatchSize,
        now,
      };
      do {
        const counts = await this.batch(policy.data_category, input);
        run.batches += 1;
        run.archived += counts.archived;
        run.deleted += counts.deleted;
        run.anonymised += counts.anonymised;
        run.skipped = counts.skipped;
        run.remaining = counts.remaining;
      } while (run.remaining > 0 && run.batches < this.settings.retentionMaxBatches);
      run.status = 'completed';
    } catch (error) {
      run.status = 'failed';
      run.error = (error as Error).message.slice(0, 500);
      this.log?.warn({ err: error, policyId: policy.id, runId: run.id }, 'retention run failed');
    }
    run.finished_at = new Date();
    const { running_policy_id: _lock, ...finished } = run;
    await this.runs.updateOne({ id: run.id }, { $set: finished, $unset: { running_policy_id: '' } });
    await this.recordAuditEvent(finished, identity);
    return finished;
  }

  /** Stores the run as running; a run of the policy still in progress refuses it (CONFLICT) unless stale. */
  private async claim(run: RetentionRunDocument, now: Date): Promise<void> {
    const staleBefore = new Date(now.getTime() - this.settings.retentionRunStaleMinutes * 60_000);
    await this.runs.updateMany(
      { running_policy_id: run.policy_id, started_at: { $lt: staleBefore } },
      {
        $set: { status: 'failed', finished_at: now, error: 'abandoned (the process stopped mid-run)' },
        $unset: { running_policy_id: '' },
      },
    );
    try {
      await this.runs.insertOne({ ...run });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw conflict('A run of this policy is already in progress', 'id');
      }
      throw error;
    }
  }

  private async batch(category: RetentionDataCategory, input: RetentionBatchInput): Promise<RetentionCounts> {
    if (category === 'audit_logs') return applyAuditRetention(this.db, input);
    const owner = OWNER_CALLS[category];
    const client = owner && this.services[owner.service];
    if (!owner || !client) throw new Error(`no owner enforces ${category}`);
    const result = await client.request<Record<string, RetentionCounts>>(
      ownerMutation(owner.field, owner.input),
      {
        input: { ...input, now: input.now.toISOString() },
      },
    );
    return result[owner.field]!;
  }

  /** The ids the policy's exceptions hold: members with an open AML finding, and legal holds' subjects. */
  private async exceptionIds(policy: DataRetentionPolicyDocument): Promise<string[]> {
    const ids = new Set<string>();
    if (policy.exceptions.includes('open_aml_case')) {
      const rows = await this.db
        .collection<ComplianceReportDocument>(COMPLIANCE_REPORTS)
        .aggregate<{ _id: string }>([
          { $match: { 'violations.category': { $in: [...MEMBER_COMPLIANCE_RULES.amlCategories] } } },
          { $unwind: '$violations' },
          {
            $match: {
              'violations.category': { $in: [...MEMBER_COMPLIANCE_RULES.amlCategories] },
              'violations.status': { $in: [...MEMBER_COMPLIANCE_RULES.unresolvedStatuses] },
              'violations.member_id': { $type: 'string' },
            },
          },
          { $group: { _id: '$violations.member_id' } },
        ])
        .toArray();
      for (const row of rows) ids.add(row._id);
    }
    if (policy.exceptions.includes('legal_hold')) {
      for (const id of await this.legalHolds.heldIds()) ids.add(id);
    }
    return [...ids];
  }

  /** `retention.run` goes straight into the audit trail (compliance owns it), with the run's counts. */
  private async recordAuditEvent(run: RetentionRunDocument, identity: Identity | null): Promise<void> {
    const admin = identity?.kind === 'admin' ? identity : null;
    await this.auditLogs.insertNew([
      toAuditLogDocument({
        id: randomUUID(),
        timestamp: run.finished_at ?? new Date(),
        actorId: admin?.userId ?? null,
        actorUsername: admin?.username ?? 'service:compliance-retention-schedule',
        role: admin?.role ?? null,
        service: 'compliance',
        action: 'retention.run',
        targetType: 'DataRetentionPolicy',
        targetId: run.policy_id,
        changes: {
          after: {
            run_id: run.id,
            data_category: run.data_category,
            status: run.status,
            triggered_by: run.triggered_by,
            batches: run.batches,
            archived: run.archived,
            deleted: run.deleted,
            anonymised: run.anonymised,
            skipped: run.skipped,
            remaining: run.remaining,
          },
        },
        outcome: run.status === 'completed' ? 'allowed' : 'failed',
      }),
    ]);
  }
}
