import { SELF_EXCLUSIONS, selfExclusionDocument } from '@casino/loyalty/testing';
import type { SubgraphHarness } from '@casino/testing';
import { IDENTITIES } from '../testing/fixtures';
import { startComplianceWithUpstreams } from '../testing/harness';
import type { ComplianceWithUpstreams } from '../testing/harness';
import { insertTestMembers, insertTestSessions } from '../testing/upstreams';
import type { TestUpstream } from '../testing/upstreams';

const GENERATE = /* GraphQL */ `
  mutation ($input: GenerateComplianceReportInput!) {
    generateComplianceReport(input: $input) {
      id
      summary
      recommendations
      complianceScore
      findings {
        category
        severity
        description
        member {
          id
        }
        sessionIds
      }
    }
  }
`;
const FINDINGS_OF = /* GraphQL */ `
  query ($id: ID!, $memberId: ID) {
    complianceReport(id: $id) {
      findings(memberId: $memberId) {
        category
        severity
      }
    }
  }
`;

interface Finding {
  category: string;
  severity: string;
  description: string;
  member: { id: string } | null;
  sessionIds: string[];
}

const at = (iso: string) => new Date(`${iso}Z`);
// the last 30 days, gaming day to gaming day
const PERIOD = { periodStart: '2026-03-01T06:00:00.000Z', periodEnd: '2026-03-31T06:00:00.000Z' };

describe('gambling_activity: only play during a self-exclusion is a breach', () => {
  let gaming: TestUpstream;
  let loyalty: TestUpstream;
  let harness: SubgraphHarness;
  let stack: ComplianceWithUpstreams | undefined;
  let late: string, during: string, twice: string;
  let sessionIds: string[];

  beforeAll(async () => {
    stack = await startComplianceWithUpstreams([IDENTITIES.superAdmin]);
    ({ harness, gaming, loyalty } = stack);
    [late, during, twice] = await insertTestMembers(loyalty.db, [
      { self_excluded: true },
      { self_excluded: true },
      { self_excluded: true },
    ]);
    await loyalty.db.collection(SELF_EXCLUSIONS).insertMany([
      // played 21:47-22:47, self-excluded at 22:52 the same evening
      selfExclusionDocument(late!, at('2026-03-10T22:52:00')),
      // excluded since before the period
      selfExclusionDocument(during!, at('2026-02-01T12:00:00')),
      // excluded 2 to 5 March (reinstated), then again from 20 March
      selfExclusionDocument(twice!, at('2026-03-02T00:00:00'), at('2026-03-05T00:00:00')),
      selfExclusionDocument(twice!, at('2026-03-20T00:00:00')),
    ]);
    const session = (member_id: string, start: string, end: string) => ({
      member_id,
      session_start: at(start),
      session_end: at(end),
      buy_in: '100.00',
      cash_out: '80.00',
    });
    sessionIds = await insertTestSessions(gaming.db, [
      session(late!, '2026-03-10T21:47:00', '2026-03-10T22:47:00'),
      session(during!, '2026-03-12T14:00:00', '2026-03-12T15:00:00'),
      // during the first exclusion, after the reinstatement (no breach), during the second
      session(twice!, '2026-03-03T10:00:00', '2026-03-03T11:00:00'),
      session(twice!, '2026-03-06T10:00:00', '2026-03-06T11:00:00'),
      session(twice!, '2026-03-25T10:00:00', '2026-03-25T11:00:00'),
    ]);
  });
  afterAll(() => stack?.close());

  it('flags sessions started while an exclusion was in effect, never play before it began or after reinstatement', async () => {
    const result = await harness.execute<{
      generateComplianceReport: {
        id: string;
        summary: Record<string, unknown>;
        recommendations: string[];
        complianceScore: number;
        findings: Finding[];
      };
    }>(GENERATE, { input: { reportType: 'gambling_activity', ...PERIOD } });
    expect(result.errors).toBeUndefined();
    const report = result.data!.generateComplianceReport;
    expect(report.summary).toMatchObject({
      sessions: 5,
      membersPlaying: 3,
      selfExcludedMembers: 3,
      selfExcludedWithSessions: 2,
    });
    const breaches = report.findings.filter((f) => f.category === 'self_exclusion');
    expect(
      breaches.map((f) => [f.member?.id, f.severity, f.description]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    ).toEqual(
      [
        [during, 'high', 'Member played 1 session(s) while self-excluded'],
        [twice, 'high', 'Member played 2 session(s) while self-excluded'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    // the sessions themselves, earliest first over both of a member's windows; none before or after them
    const idsOf = (member: string) => breaches.find((f) => f.member?.id === member)!.sessionIds;
    expect(idsOf(during!)).toEqual([sessionIds[1]]);
    expect(idsOf(twice!)).toEqual([sessionIds[2], sessionIds[4]]);
    expect(report.findings.some((f) => f.member?.id === late)).toBe(false);
    expect(report.complianceScore).toBe(70);
    expect(report.recommendations).toContain(
      'Investigate how self-excluded members were seated and tighten the floor check.',
    );

    const ofLate = await harness.execute<{ complianceReport: { findings: unknown[] } }>(FINDINGS_OF, {
      id: report.id,
      memberId: late,
    });
    expect(ofLate.data!.complianceReport.findings).toEqual([]);
    const ofTwice = await harness.execute<{ complianceReport: { findings: unknown[] } }>(FINDINGS_OF, {
      id: report.id,
      memberId: twice,
    });
    expect(ofTwice.data!.complianceReport.findings).toEqual([
      { category: 'self_exclusion', severity: 'high' },
    ]);
  });

  it('a report on the evening alone has no breach for the member who stopped before the exclusion', async () => {
    const result = await harness.execute<{ generateComplianceReport: { findings: Finding[] } }>(GENERATE, {
      input: {
        reportType: 'gambling_activity',
        periodStart: '2026-03-10T06:00:00.000Z',
        periodEnd: '2026-03-11T06:00:00.000Z',
      },
    });
    expect(result.errors).toBeUndefined();
    expect(
      result.data!.generateComplianceReport.findings.filter((f) => f.category === 'self_exclusion'),
    ).toEqual([]);
  });
});
