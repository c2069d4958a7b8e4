import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { conflict, notFound, validateInput } from '@casino/errors';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { adminOf } from '../admins/caller';
import type { Changed } from '../audit/changes';
import type { ComplianceSettings } from '../settings';
import { RETENTION_DATA_CATEGORIES } from './retention-policy-store';
import type {
  DataRetentionPolicyDocument,
  RetentionPolicyFilterInput,
  RetentionPolicyStore,
} from './retention-policy-store';
import { DAY_MS } from '@casino/config';

/** Conditions that suspend deletion of data a policy would otherwise remove; the only values accepted. */
export const RETENTION_EXCEPTIONS = [
  'open_aml_case',
  'legal_hold',
  'active_dispute',
  'regulatory_request',
] as const;

const days = z.number().int('must be a whole number of days').positive('must be positive').max(36_600);

const createSchema = z
  .object({
    policyName: z.string().trim().min(1, 'must not be empty').max(100),
    dataCategory: z.enum(RETENTION_DATA_CATEGORIES as [string, ...string[]]),
    retentionPeriodDays: days,
    archiveAfterDays: days,
    autoDelete: z.boolean().nullish(),
    encryptionRequired: z.boolean().nullish(),
    backupRequired: z.boolean().nullish(),
    legalBasis: z.string().trim().min(1, 'must state the PDPA ground').max(500),
    exceptions: z
      .array(z.enum(RETENTION_EXCEPTIONS, { message: `must be one of ${RETENTION_EXCEPTIONS.join(', ')}` }))
      .nullish(),
  })
  .refine((input) => input.archiveAfterDays <= input.retentionPeriodDays, {
    path: ['archiveAfterDays'],
    message: 'must not exceed retentionPeriodDays',
  });

/**
 * Retention policies (PRODUCT.md §4, §6): GeneralAdmin and above create them pending approval; a SuperAdmin
 * other than the creator approves one, which makes it the category's active policy and retires (to inactive)
 * the policy that was active for the category before.
 */
export class RetentionPolicyService {
  constructor(
    private readonly policies: RetentionPolicyStore,
    private readonly settings: Pick<ComplianceSettings, 'retentionReviewIntervalDays'>,
  ) {}

  /** A page of retention policies, newest first. */
  page(filter: RetentionPolicyFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.policies.page(filter, args, paging);
  }

  async create(
    identity: Identity,
    raw: unknown,
    now = new Date(),
  ): Promise<Changed<DataRetentionPolicyDocument>> {
    const caller = adminOf(identity);
    const input = validateInput(createSchema, raw);
    const policy: DataRetentionPolicyDocument = {
      id: randomUUID(),
      policy_name: input.policyName,
      data_category: input.dataCategory as DataRetentionPolicyDocument['data_category'],
      retention_period_days: input.retentionPeriodDays,
      archive_after_days: input.archiveAfterDays,
      auto_delete: input.autoDelete ?? false,
      encryption_required: input.encryptionRequired ?? true,
      backup_required: input.backupRequired ?? true,
      legal_basis: input.legalBasis,
      exceptions: [...new Set(input.exceptions ?? [])],
      status: 'pending_approval',
      created_by: caller.userId,
      approved_by: null,
      approval_date: null,
      next_review_date: new Date(now.getTime() + this.settings.retentionReviewIntervalDays * DAY_MS),
      created_at: now,
      updated_at: now,
    };
    await this.policies.insert(policy);
    return { result: policy, before: null, after: { ...policy } };
  }

  async approve(
    identity: Identity,
    id: string,
    now = new Date(),
  ): Promise<Changed<DataRetentionPolicyDocument>> {
    const caller = adminOf(identity);
    const current = await this.policies.findById(id);
    if (!current) throw notFound('DataRetentionPolicy', id);
    if (current.created_by === caller.userId) {
      throw forbiddenError('You created this policy, so another SuperAdmin must approve it');
    }
    const approved = await this.policies.approvePending(id, caller.userId, now);
    if (!approved) {
      const latest = await this.policies.statusOf(id);
      throw conflict(
        `Only a policy pending approval can be approved; this one is ${latest?.status ?? 'gone'}`,
        'id',
      );
    }
    // The category keeps one active policy: the latest approved (ties broken by id). Earlier ones give way;
    // and should a later approval have landed meanwhile, this one gives way to it. Whatever the interleaving of
    // two concurrent approvals, exactly the later of the two stays active.
    const category = approved.data_category;
    await this.policies.retireEarlierActive(category, id, now);
    const newer = await this.policies.countLaterActive(category, id, now);
    const result = newer === 0 ? approved : ((await this.policies.retireActive(id, now)) ?? approved);
    return {
      result,
      before: { id, status: current.status, approved_by: null, approval_date: null },
      after: {
        id,
        status: result.status,
        approved_by: result.approved_by,
        approval_date: result.approval_date,
      },
    };
  }
}
