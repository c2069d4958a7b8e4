import type { AdminIdentity, Identity } from '@casino/auth';
import { COMPLIANCE_REPORTS } from './compliance-report-store';
import type { ComplianceReportStatus } from './compliance-report-store';
import { IDENTITIES, errorCode, reportDoc } from '../testing/fixtures';
import { startComplianceHarness } from '../testing/harness';
import type { SubgraphHarness } from '@casino/testing';

const FIELDS = `id status submittedTo submissionDate submittedBy { id username } approvedBy { id username } approvedAt`;
const SUBMIT = `mutation($id: ID!, $to: String!) { submitComplianceReport(id: $id, submittedTo: $to) { ${FIELDS} } }`;
const APPROVE = `mutation($id: ID!) { approveComplianceReport(id: $id) { ${FIELDS} } }`;

interface ReportView {
  id: string;
  status: string;
  submittedTo: string | null;
  submissionDate: string | null;
  submittedBy: { id: string; username: string } | null;
  approvedBy: { id: string; username: string } | null;
  approvedAt: string | null;
}

const { generalAdmin, superAdmin, gamingManager } = IDENTITIES;
const secondSuperAdmin: AdminIdentity = {
  ...superAdmin,
  userId: '00000000-0000-4000-8000-0000000000ff',
  username: 'test-superadmin-2',
};

describe('compliance report lifecycle', () => {
  let harness: SubgraphHarness;

  const stored = async (status: ComplianceReportStatus, overrides = {}) => {
    const report = reportDoc({ status, generated_by: generalAdmin.userId, ...overrides });
    await harness.db.collection(COMPLIANCE_REPORTS).insertOne({ ...report });
    return report.id;
  };
  const submit = (id: string, identity: Identity = generalAdmin, to = 'Gaming Regulatory Authority') =>
    harness.execute<{ submitComplianceReport: ReportView }>(SUBMIT, { id, to }, { identity });
  const approve = (id: string, identity: Identity = superAdmin) =>
    harness.execute<{ approveComplianceReport: ReportView }>(APPROVE, { id }, { identity });

  beforeAll(async () => {
    harness = await startComplianceHarness([superAdmin, generalAdmin, gamingManager, secondSuperAdmin]);
  });
  afterAll(() => harness.close());

  it('completed -> submitted -> approved, recording who and when', async () => {
    const id = await stored('completed');
    const submitted = await submit(id);
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitComplianceReport).toMatchObject({
      status: 'submitted',
      submittedTo: 'Gaming Regulatory Authority',
      submittedBy: { id: generalAdmin.userId, username: generalAdmin.username },
      approvedBy: null,
      approvedAt: null,
    });
    expect(submitted.data!.submitComplianceReport.submissionDate).toEqual(expect.any(String));
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'submitComplianceReport',
      outcome: 'allowed',
      changes: { before: { status: 'completed' }, after: { status: 'submitted' } },
    });

    const approved = await approve(id);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveComplianceReport).toMatchObject({
      status: 'approved',
      approvedBy: { id: superAdmin.userId },
      submittedBy: { id: generalAdmin.userId },
    });
    expect(approved.data!.approveComplianceReport.approvedAt).toEqual(expect.any(String));
    const doc = await harness.db.collection(COMPLIANCE_REPORTS).findOne({ id });
    expect(doc).toMatchObject({
      status: 'approved',
      approved_by: superAdmin.userId,
      submitted_by: generalAdmin.userId,
    });
  });

  it('refuses illegal transitions with CONFLICT and unknown ids with NOT_FOUND', async () => {
    for (const status of ['draft', 'submitted', 'approved'] as const) {
      expect([status, errorCode(await submit(await stored(status)))]).toEqual([status, 'CONFLICT']);
    }
    for (const status of ['draft', 'completed', 'approved'] as const) {
      expect([status, errorCode(await approve(await stored(status)))]).toEqual([status, 'CONFLICT']);
    }
    expect(errorCode(await submit('00000000-0000-4000-8000-00000000dead'))).toBe('NOT_FOUND');
    expect(errorCode(await approve('00000000-0000-4000-8000-00000000dead'))).toBe('NOT_FOUND');
  });

  it('validates the regulatory body', async () => {
    const result = await submit(await stored('completed'), generalAdmin, '   ');
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.field).toBe('submittedTo');
  });

  it('of two concurrent submits exactly one succeeds', async () => {
    const id = await stored('completed');
    const results = await Promise.all([
      submit(id, generalAdmin, 'Regulator A'),
      submit(id, superAdmin, 'Regulator B'),
      submit(id, generalAdmin, 'Regulator C'),
    ]);
    expect(results.map(errorCode).sort()).toEqual(['CONFLICT', 'CONFLICT', null].sort());
    const winner = results.find((r) => !r.errors)!.data!.submitComplianceReport;
    const doc = await harness.db.collection(COMPLIANCE_REPORTS).findOne({ id });
    expect(doc).toMatchObject({ status: 'submitted', submitted_to: winner.submittedTo });
  });

  it('the submitter cannot approve, nor can a GeneralAdmin without reports:approve; Managers cannot submit', async () => {
    const ownId = await stored('submitted', { submitted_by: superAdmin.userId, submitted_to: 'Regulator' });
    const own = await approve(ownId, superAdmin);
    expect(errorCode(own)).toBe('FORBIDDEN');
    expect(own.errors![0]!.message).toMatch(/another approver must approve/);
    expect(errorCode(await approve(ownId, generalAdmin))).toBe('FORBIDDEN');
    expect((await approve(ownId, secondSuperAdmin)).data!.approveComplianceReport.status).toBe('approved');
    expect(errorCode(await submit(await stored('completed'), gamingManager))).toBe('FORBIDDEN');
    // the named extra reports:approve lets a GeneralAdmin approve what someone else submitted
    const approver: AdminIdentity = { ...generalAdmin, permissions: ['reports:approve'] };
    const othersId = await stored('submitted', {
      submitted_by: superAdmin.userId,
      submitted_to: 'Regulator',
    });
    expect((await approve(othersId, approver)).data!.approveComplianceReport.approvedBy).toEqual({
      id: generalAdmin.userId,
      username: generalAdmin.username,
    });
  });
});
