import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { COMPLIANCE_REPORTS } from './compliance-report-store';
import { IDENTITIES, errorCode, reportDoc } from '../testing/fixtures';
import { startComplianceHarness } from '../testing/harness';
import type { SubgraphHarness } from '@casino/testing';

const FIELDS = `id status completedBy { username } completedAt submittedBy { username } approvedBy { username }`;
const DRAFT = `mutation($input: GenerateComplianceReportInput!) { draftComplianceReport(input: $input) { ${FIELDS} } }`;
const GENERATE = `mutation($input: GenerateComplianceReportInput!) { generateComplianceReport(input: $input) { ${FIELDS} } }`;
const COMPLETE = `mutation($id: ID!) { completeComplianceReport(id: $id) { ${FIELDS} } }`;
const SUBMIT = `mutation($id: ID!) { submitComplianceReport(id: $id, submittedTo: "Gaming Regulatory Authority") { ${FIELDS} } }`;
const APPROVE = `mutation($id: ID!) { approveComplianceReport(id: $id) { ${FIELDS} } }`;
const FINDINGS = /* GraphQL */ `
  query ($id: ID!, $memberId: ID) {
    complianceReport(id: $id) {
      violations
      findings(memberId: $memberId) {
        id
        severity
        category
        status
        description
        detectedAt
        member {
          id
        }
        gamingDay
        amount
        sessionIds
      }
    }
  }
`;

interface ReportView {
  id: string;
  status: string;
  completedBy: { username: string } | null;
  completedAt: string | null;
  submittedBy: { username: string } | null;
  approvedBy: { username: string } | null;
}

const { superAdmin, generalAdmin, gamingManager, gamingSupervisor } = IDENTITIES;
const input = {
  reportType: 'audit_trail',
  periodStart: '2026-03-01T00:00:00.000Z',
  periodEnd: '2026-03-31T00:00:00.000Z',
};

describe('compliance report drafts and typed findings', () => {
  let harness: SubgraphHarness;
  const run = <K extends string>(document: string, variables: Record<string, unknown>, identity: Identity) =>
    harness.execute<Record<K, ReportView>>(document, variables, { identity });
  const lastAudit = (action: string) => [...harness.auditEvents].reverse().find((e) => e.action === action);

  beforeAll(async () => {
    harness = await startComplianceHarness([superAdmin, generalAdmin, gamingManager]);
  });
  afterAll(() => harness.close());

  it('a Manager drafts, a GeneralAdmin completes and submits, a SuperAdmin approves', async () => {
    const drafted = await run<'draftComplianceReport'>(DRAFT, { input }, gamingManager);
    expect(drafted.errors).toBeUndefined();
    const draft = drafted.data!.draftComplianceReport;
    expect(draft).toMatchObject({ status: 'draft', completedBy: null, completedAt: null });
    expect(lastAudit('draftComplianceReport')).toMatchObject({
      outcome: 'allowed',
      targetId: draft.id,
      changes: { before: null, after: { status: 'draft', reportType: 'audit_trail' } },
    });

    // a draft is not submitted, by anyone
    expect(errorCode(await run(SUBMIT, { id: draft.id }, gamingManager))).toBe('FORBIDDEN');
    const early = await run(SUBMIT, { id: draft.id }, generalAdmin);
    expect(errorCode(early)).toBe('CONFLICT');
    expect(early.errors?.[0]?.message).toContain('this one is draft');

    // only a GeneralAdmin or above completes it
    expect(errorCode(await run(COMPLETE, { id: draft.id }, gamingManager))).toBe('FORBIDDEN');
    expect((await harness.db.collection(COMPLIANCE_REPORTS).findOne({ id: draft.id }))!.status).toBe('draft');
    const completed = await run<'completeComplianceReport'>(COMPLETE, { id: draft.id }, generalAdmin);
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeComplianceReport).toMatchObject({
      id: draft.id,
      status: 'completed',
      completedBy: { username: 'test-generaladmin' },
    });
    expect(completed.data!.completeComplianceReport.completedAt).not.toBeNull();
    expect(lastAudit('completeComplianceReport')).toMatchObject({
      targetId: draft.id,
      changes: { before: { status: 'draft' }, after: { status: 'completed' } },
    });
    expect(errorCode(await run(COMPLETE, { id: draft.id }, generalAdmin))).toBe('CONFLICT');

    const submitted = await run<'submitComplianceReport'>(SUBMIT, { id: draft.id }, generalAdmin);
    expect(submitted.data!.submitComplianceReport.status).toBe('submitted');
    const approved = await run<'approveComplianceReport'>(APPROVE, { id: draft.id }, superAdmin);
    expect(approved.data!.approveComplianceReport).toMatchObject({
      status: 'approved',
      submittedBy: { username: 'test-generaladmin' },
      approvedBy: { username: 'test-superadmin' },
    });
  });

  it('Supervisors cannot draft, Managers cannot generate completed; a GeneralAdmin generates completed directly', async () => {
    expect(errorCode(await run(DRAFT, { input }, gamingSupervisor))).toBe('FORBIDDEN');
    expect(errorCode(await run(GENERATE, { input }, gamingManager))).toBe('FORBIDDEN');
    const generated = await run<'generateComplianceReport'>(GENERATE, { input }, generalAdmin);
    expect(generated.data!.generateComplianceReport).toMatchObject({
      status: 'completed',
      completedBy: { username: 'test-generaladmin' },
    });
    expect(errorCode(await run(COMPLETE, { id: randomUUID() }, generalAdmin))).toBe('NOT_FOUND');
    const bad = await run(DRAFT, { input: { ...input, periodEnd: input.periodStart } }, gamingManager);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.periodEnd' });
  });

  it('reads the findings of a report stored in the old format as typed findings, filtered by member', async () => {
    const member = randomUUID();
    const other = randomUUID();
    // snake_case entries without id, status or detection time, as early reports stored them
    const report = reportDoc({
      status: 'approved',
      created_at: new Date('2026-02-02T00:00:00.000Z'),
      violations: [
        {
          category: 'aml',
          severity: 'medium',
          description: 'Currency Transaction Report required',
          member_id: member,
          entry: 'mtl',
          gaming_day: '2026-01-05',
          amount: '12500.00',
          session_id: 's-1',
        },
        {
          category: 'kyc',
          severity: 'high',
          description: 'Not KYC-verified',
          member_id: other,
          buy_in: 6000,
        },
        { category: 'data_protection', severity: 'high', description: 'No active retention policy' },
      ] as never,
    });
    await harness.db.collection(COMPLIANCE_REPORTS).insertOne({ ...report });
    const all = await harness.execute<{
      complianceReport: { violations: unknown[]; findings: Record<string, unknown>[] };
    }>(FINDINGS, { id: report.id }, { identity: gamingManager });
    expect(all.errors).toBeUndefined();
    expect(all.data!.complianceReport.violations).toHaveLength(3);
    expect(all.data!.complianceReport.findings).toEqual([
      {
        id: `${report.id}:0`,
        severity: 'medium',
        category: 'aml',
        status: 'open',
        description: 'Currency Transaction Report required',
        detectedAt: '2026-02-02T00:00:00.000Z',
        member: { id: member },
        gamingDay: '2026-01-05',
        amount: '12500.00',
        sessionIds: ['s-1'],
      },
      {
        id: `${report.id}:1`,
        severity: 'high',
        category: 'kyc',
        status: 'open',
        description: 'Not KYC-verified',
        detectedAt: '2026-02-02T00:00:00.000Z',
        member: { id: other },
        gamingDay: null,
        amount: '6000.00',
        sessionIds: [],
      },
      expect.objectContaining({ id: `${report.id}:2`, category: 'data_protection', member: null }),
    ]);
    const mine = await harness.execute<{ complianceReport: { findings: { id: string }[] } }>(
      FINDINGS,
      { id: report.id, memberId: member },
      { identity: gamingManager },
    );
    expect(mine.data!.complianceReport.findings.map((f) => f.id)).toEqual([`${report.id}:0`]);
    const none = await harness.execute<{ complianceReport: { findings: unknown[] } }>(
      FINDINGS,
      { id: report.id, memberId: randomUUID() },
      { identity: gamingManager },
    );
    expect(none.data!.complianceReport.findings).toEqual([]);
    const supervisor = await harness.execute(FINDINGS, { id: report.id }, { identity: gamingSupervisor });
    expect(errorCode(supervisor)).toBe('FORBIDDEN');
  });
});
