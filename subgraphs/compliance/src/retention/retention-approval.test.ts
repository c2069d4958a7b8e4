import { DATA_RETENTION_POLICIES } from './retention-policy-store';
import { RETENTION_EXCEPTIONS } from './retention-service';
import { IDENTITIES, errorCode, policyDoc } from '../testing/fixtures';
import { startComplianceHarness } from '../testing/harness';
import type { SubgraphHarness } from '@casino/testing';

const FIELDS = `id policyName dataCategory status retentionPeriodDays archiveAfterDays autoDelete encryptionRequired
  backupRequired legalBasis exceptions nextReviewDate createdAt createdBy { id } approvedBy { id } approvalDate`;
const CREATE = `mutation($input: CreateDataRetentionPolicyInput!) { createDataRetentionPolicy(input: $input) { ${FIELDS} } }`;
const APPROVE = `mutation($id: ID!) { approveDataRetentionPolicy(id: $id) { ${FIELDS} } }`;

interface PolicyView {
  id: string;
  status: string;
  nextReviewDate: string;
  createdAt: string;
  createdBy: { id: string };
  approvedBy: { id: string } | null;
  approvalDate: string | null;
  [field: string]: unknown;
}

const { superAdmin, generalAdmin, gamingManager } = IDENTITIES;
const valid = {
  policyName: 'Member records',
  dataCategory: 'member_data',
  retentionPeriodDays: 2555,
  archiveAfterDays: 365,
  legalBasis: 'PDPA 2022 s.10: legal obligation (AML record keeping)',
  exceptions: ['open_aml_case', 'legal_hold'],
};

describe('data retention policy create and approve', () => {
  let harness: SubgraphHarness;
  const create = (input: Record<string, unknown>, identity = generalAdmin) =>
    harness.execute<{ createDataRetentionPolicy: PolicyView }>(CREATE, { input }, { identity });
  const approve = (id: string, identity = superAdmin) =>
    harness.execute<{ approveDataRetentionPolicy: PolicyView }>(APPROVE, { id }, { identity });

  beforeAll(async () => {
    harness = await startComplianceHarness([superAdmin, generalAdmin, gamingManager]);
  });
  afterAll(() => harness.close());

  it('creates a policy pending approval, due for review a year later, with defaults', async () => {
    const result = await create(valid);
    expect(result.errors).toBeUndefined();
    const policy = result.data!.createDataRetentionPolicy;
    expect(policy).toMatchObject({
      ...valid,
      status: 'pending_approval',
      autoDelete: false,
      encryptionRequired: true,
      backupRequired: true,
      createdBy: { id: generalAdmin.userId },
      approvedBy: null,
      approvalDate: null,
    });
    const review = new Date(policy.nextReviewDate).getTime() - new Date(policy.createdAt).getTime();
    expect(review).toBe(365 * 86_400_000);
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'createDataRetentionPolicy',
      outcome: 'allowed',
    });
  });

  it('validates the input, naming the field', async () => {
    const field = async (input: Record<string, unknown>) => {
      const result = await create({ ...valid, ...input });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      return result.errors![0]!.extensions!.field;
    };
    expect(await field({ archiveAfterDays: 3000 })).toBe('input.archiveAfterDays');
    expect(await field({ retentionPeriodDays: 0 })).toBe('input.retentionPeriodDays');
    expect(await field({ archiveAfterDays: -1 })).toBe('input.archiveAfterDays');
    expect(await field({ legalBasis: '  ' })).toBe('input.legalBasis');
    expect(await field({ policyName: '' })).toBe('input.policyName');
    expect(await field({ exceptions: ['because'] })).toBe('input.exceptions.0');
    expect(RETENTION_EXCEPTIONS).toEqual([
      'open_aml_case',
      'legal_hold',
      'active_dispute',
      'regulatory_request',
    ]);
  });

  it('is created by GeneralAdmin and above only', async () => {
    expect(errorCode(await create(valid, gamingManager))).toBe('FORBIDDEN');
  });

  it('is approved by a SuperAdmin who did not create it, once; the earlier active policy becomes inactive', async () => {
    const older = policyDoc({
      data_category: 'gaming_logs',
      status: 'active',
      approval_date: new Date('2025-01-01'),
    });
    const otherCategory = policyDoc({ data_category: 'audit_logs', status: 'active' });
    await harness.db.collection(DATA_RETENTION_POLICIES).insertMany([{ ...older }, { ...otherCategory }]);
    const id = (await create({ ...valid, dataCategory: 'gaming_logs' })).data!.createDataRetentionPolicy.id;

    expect(errorCode(await approve(id, generalAdmin))).toBe('FORBIDDEN');
    const approved = await approve(id);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveDataRetentionPolicy).toMatchObject({
      status: 'active',
      approvedBy: { id: superAdmin.userId },
    });
    expect(approved.data!.approveDataRetentionPolicy.approvalDate).toEqual(expect.any(String));
    const statuses = async () =>
      Object.fromEntries(
        (await harness.db.collection(DATA_RETENTION_POLICIES).find({}).toArray()).map((p) => [
          p.id,
          p.status,
        ]),
      );
    expect(await statuses()).toMatchObject({
      [id]: 'active',
      [older.id]: 'inactive',
      [otherCategory.id]: 'active',
    });
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'approveDataRetentionPolicy',
      changes: { before: { status: 'pending_approval' }, after: { status: 'active' } },
    });

    expect(errorCode(await approve(id))).toBe('CONFLICT');
    expect(errorCode(await approve('00000000-0000-4000-8000-00000000dead'))).toBe('NOT_FOUND');
  });

  it('the creator cannot approve their own policy, even as SuperAdmin', async () => {
    const id = (await create(valid, superAdmin)).data!.createDataRetentionPolicy.id;
    const result = await approve(id, superAdmin);
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(result.errors![0]!.message).toMatch(/another SuperAdmin must approve/);
    const doc = await harness.db.collection(DATA_RETENTION_POLICIES).findOne({ id });
    expect(doc!.status).toBe('pending_approval');
  });

  it('of two concurrent approvals of one policy exactly one succeeds', async () => {
    const id = (await create({ ...valid, dataCategory: 'marketing_data' })).data!.createDataRetentionPolicy
      .id;
    const results = await Promise.all([approve(id), approve(id), approve(id)]);
    expect(results.map(errorCode).sort()).toEqual(['CONFLICT', 'CONFLICT', null].sort());
  });

  it('two policies of one category approved at once leave exactly one active', async () => {
    const ids = await Promise.all(
      [1, 2].map(
        async (i) =>
          (await create({ ...valid, policyName: `Audit ${i}`, dataCategory: 'audit_logs' })).data!
            .createDataRetentionPolicy.id,
      ),
    );
    const results = await Promise.all(ids.map((id) => approve(id)));
    expect(results.map(errorCode)).toEqual([null, null]);
    const active = await harness.db
      .collection(DATA_RETENTION_POLICIES)
      .countDocuments({ data_category: 'audit_logs', status: 'active', id: { $in: ids } });
    expect(active).toBe(1);
  });
});
