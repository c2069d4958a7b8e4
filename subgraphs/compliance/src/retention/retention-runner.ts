import { randomUUID } from 'node:crypto';
import type { Identity, ServiceClient } from '@casino/auth';
import { ApplyGamingRetentionDocument } from '@casino/gaming/operations';
import { ApplyLoyaltyRetentionDocument } from '@casino/loyalty/operations';
import { ApplyMarketingRetentionDocument } from '@casino/marketing/operations';
import { conflict, notFound, serviceUnavailable } from '@casino/errors';
import type { Logger } from '@casino/logger';
import type { RetentionBatchInput, RetentionCounts } from '@casino/mongo';
import { toAuditLogDocument } from '../audit/audit-events';
import type { AuditLogStore } from '../audit/audit-log-store';
import type { ComplianceReportStore } from '../reports/compliance-report-store';
import { MEMBER_COMPLIANCE_RULES } from '../settings';
import type { ComplianceSettings } from '../settings';
import type { LegalHoldStore } from './legal-hold-store';
import type {
  DataRetentionPolicyDocument,
  RetentionDataCategory,
  RetentionPolicyStore,
} from './retention-policy-store';
import type { RetentionRunDocument, RetentionRunStore } from './retention-run-store';

/** Compliance's own categories (audit_logs), enforced in-process by its privacy participant. */
export type OwnRetention = { applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> };

/** The stores a retention run reads and writes. */
export interface RetentionRunnerStores {
  retentionRuns: RetentionRunStore;
  retentionPolicies: RetentionPolicyStore;
  reports: ComplianceReportStore;
  auditLogs: AuditLogStore;
  legalHolds: LegalHoldStore;
}

export type RetentionRunSettings = Pick<
  ComplianceSettings,
  'retentionBatchSize' | 'retentionMaxBatches' | 'retentionRunStaleMinutes'
>;

type OwnerInput = Omit<RetentionBatchInput, 'now'> & { now: string };

/** Owners' mutations, one per category enforced by another subgraph. */
const OWNER_CALLS: Partial<
  Record<
    RetentionDataCategory,
    { service: string; apply(client: ServiceClient, input: OwnerInput): Promise<RetentionCounts> }
  >
> = {
  gaming_logs: {
    service: 'gaming',
    apply: async (client, input) =>
      (await client.request(ApplyGamingRetentionDocument, { input })).applyGamingRetention,
  },
  marketing_data: {
    service: 'marketing',
    apply: async (client, input) =>
      (await client.request(ApplyMarketingRetentionDocument, { input })).applyMarketingRetention,
  },
  member_data: {
    service: 'loyalty',
    apply: async (client, input) =>
      (await client.request(ApplyLoyaltyRetentionDocument, { input })).applyLoyaltyRetention,
  },
};

/**
 * Enforces approved retention policies (PRODUCT.md §6): calls the category's owner one bounded batch at a
 * time until nothing is left or the batch limit is reached, records the run and a `retention.run` audit
 * event. An owner that is down fails the run (SERVICE_UNAVAILABLE on demand); the next schedule retries.
 */
export class RetentionRunner {
  constructor(
    private readonly stores: RetentionRunnerStores,
    private readonly own: OwnRetention,
    private readonly services: Partial<Record<string, ServiceClient>>,
    private readonly settings: RetentionRunSettings,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  /** runRetentionPolicy: an admin runs one active policy now (a failed run is logged to `log`). */
  async runNow(
    identity: Identity,
    policyId: string,
    now = new Date(),
    log = this.log,
  ): Promise<RetentionRunDocument> {
    const policy = await this.stores.retentionPolicies.findById(policyId);
    if (!policy) throw notFound('DataRetentionPolicy', policyId);
    if (policy.status !== 'active' || !policy.approved_by) {
      throw conflict(`Only an active, approved policy can be run; this one is ${policy.status}`, 'id');
    }
    const run = await this.run(policy, identity, now, log);
    if (run.status === 'failed') throw serviceUnavailable(`Retention run failed: ${run.error ?? 'unknown'}`);
    return run;
  }

  /** The scheduled job: every active policy, one after the other; a failure fails only its own run. */
  async runAllActive(now = new Date()): Promise<RetentionRunDocument[]> {
    const active = await this.stores.retentionPolicies.activeApproved();
    const results: RetentionRunDocument[] = [];
    for (const policy of active) {
      try {
        results.push(await this.run(policy, null, now, this.log));
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
    log: Pick<Logger, 'warn'> | undefined,
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
      log?.warn({ err: error, policyId: policy.id, runId: run.id }, 'retention run failed');
    }
    run.finished_at = new Date();
    const { running_policy_id: _lock, ...finished } = run;
    await this.stores.retentionRuns.finish(finished);
    await this.recordAuditEvent(finished, identity);
    return finished;
  }

  /** Stores the run as running; a run of the policy still in progress refuses it (CONFLICT) unless stale. */
  private async claim(run: RetentionRunDocument, now: Date): Promise<void> {
    const staleBefore = new Date(now.getTime() - this.settings.retentionRunStaleMinutes * 60_000);
    await this.stores.retentionRuns.failAbandoned(run.policy_id, staleBefore, now);
    if (!(await this.stores.retentionRuns.insertRunning(run))) {
      throw conflict('A run of this policy is already in progress', 'id');
    }
  }

  private async batch(category: RetentionDataCategory, input: RetentionBatchInput): Promise<RetentionCounts> {
    if (category === 'audit_logs') return this.own.applyRetention(input);
    const owner = OWNER_CALLS[category];
    const client = owner && this.services[owner.service];
    if (!owner || !client) throw new Error(`no owner enforces ${category}`);
    return owner.apply(client, { ...input, now: input.now.toISOString() });
  }

  /** The ids the policy's exceptions hold: members with an open AML finding, and legal holds' subjects. */
  private async exceptionIds(policy: DataRetentionPolicyDocument): Promise<string[]> {
    const ids = new Set<string>();
    if (policy.exceptions.includes('open_aml_case')) {
      for (const id of await this.stores.reports.membersWithOpenAmlFindings(MEMBER_COMPLIANCE_RULES)) {
        ids.add(id);
      }
    }
    if (policy.exceptions.includes('legal_hold')) {
      for (const id of await this.stores.legalHolds.heldIds()) ids.add(id);
    }
    return [...ids];
  }

  /** `retention.run` goes straight into the audit trail (compliance owns it), with the run's counts. */
  private async recordAuditEvent(run: RetentionRunDocument, identity: Identity | null): Promise<void> {
    const admin = identity?.kind === 'admin' ? identity : null;
    await this.stores.auditLogs.insertNew([
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
