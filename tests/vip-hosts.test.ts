import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';
import { auditLogsQuery, waitForAuditEntries } from './support/audit-entries';

const AUDIT_LOGS = auditLogsQuery('action outcome targetId');

const PORTFOLIO = /* GraphQL */ `
  query ($memberId: ID!, $window: DateRangeInput!) {
    member(id: $memberId) {
      id
      compBalance
      vipExperiences(first: 5) {
        totalCount
        edges {
          node {
            id
            kind
            status
            cost
          }
        }
      }
      host {
        id
        firstName
        department
        hostedMembers(window: $window) {
          member {
            id
            firstName
          }
          theo
          sessions
          daysSinceLastVisit
        }
      }
    }
  }
`;

const cents = (money: string) => Math.round(Number(money) * 100);

/**
 * VIP experiences and hosts through the gateway: loyalty's Member.vipExperiences beside workforce's StaffMember
 * (the host) and loyalty's StaffMember.hostedMembers contributed to that entity, in one query.
 */
describe('VIP experiences and hosts through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 20 });
  }, 180_000);
  afterAll(() => stack?.stop());

  it("books, approves and lists a member's VIP experience, and shows the host's portfolio across subgraphs", async () => {
    const listed = await stack.query<{
      members: { edges: { node: { id: string; tier: string; compBalance: string } }[] };
    }>(
      '{ members(first: 20) { edges { node { id tier compBalance } } } }',
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(listed.errors).toBeUndefined();
    const [member] = listed
      .data!.members.edges.map((e) => e.node)
      .filter((m) => m.tier !== 'Ruby' && cents(m.compBalance) >= 1_000)
      .sort((a, b) => cents(b.compBalance) - cents(a.compBalance));
    expect(member).toBeDefined();

    const staff = await stack.query<{ staffMembers: { edges: { node: { id: string } }[] } }>(
      '{ staffMembers(filter: { department: "Gaming", employmentStatus: active }, first: 1) { edges { node { id } } } }',
      {},
      { as: IDENTITIES.Manager },
    );
    expect(staff.errors).toBeUndefined();
    const hostId = staff.data!.staffMembers.edges[0]!.node.id;

    const assigned = await stack.query<{ assignHost: { host: { id: string; firstName: string } } }>(
      'mutation ($m: ID!, $s: ID) { assignHost(memberId: $m, staffId: $s) { host { id firstName } } }',
      { m: member!.id, s: hostId },
      { as: IDENTITIES.Manager },
    );
    expect(assigned.errors).toBeUndefined();
    expect(assigned.data!.assignHost.host.id).toBe(hostId);
    expect(assigned.data!.assignHost.host.firstName).toEqual(expect.any(String));

    const requested = await stack.query<{
      requestVipExperience: { experience: { id: string; status: string } };
    }>(
      `mutation ($input: RequestVipExperienceInput!) {
        requestVipExperience(input: $input) { experience { id status } }
      }`,
      {
        input: {
          memberId: member!.id,
          kind: 'event_tickets',
          description: 'Two seats, Main Stage',
          cost: '10.00',
          startsAt: '2026-12-31T21:00:00.000Z',
        },
      },
      { as: IDENTITIES.Supervisor },
    );
    expect(requested.errors).toBeUndefined();
    const experienceId = requested.data!.requestVipExperience.experience.id;
    const step = { memberId: member!.id, experienceId };
    const approveDoc = `mutation ($input: VipExperienceStepInput!) {
      approveVipExperience(input: $input) { experience { status } compBalance }
    }`;
    const refused = await stack.query(approveDoc, { input: step }, { as: IDENTITIES.Supervisor });
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const approved = await stack.query<{ approveVipExperience: { compBalance: string } }>(
      approveDoc,
      { input: step },
      { as: IDENTITIES.Manager },
    );
    expect(approved.errors).toBeUndefined();
    expect(cents(approved.data!.approveVipExperience.compBalance)).toBe(cents(member!.compBalance) - 1_000);

    const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' };
    const seen = await stack.query<{
      member: {
        vipExperiences: {
          totalCount: number;
          edges: { node: { id: string; status: string; cost: string } }[];
        };
        host: {
          id: string;
          department: string;
          hostedMembers: { member: { id: string; firstName: string }; theo: string; sessions: number }[];
        };
      };
    }>(PORTFOLIO, { memberId: member!.id, window }, { as: IDENTITIES.Supervisor });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.member.vipExperiences.edges.map((e) => e.node)).toContainEqual({
      id: experienceId,
      kind: 'event_tickets',
      status: 'approved',
      cost: '10.00',
    });
    expect(seen.data!.member.host).toMatchObject({ id: hostId, department: 'Gaming' });
    const row = seen.data!.member.host.hostedMembers.find((r) => r.member.id === member!.id);
    expect(row).toMatchObject({ member: { id: member!.id, firstName: expect.any(String) } });
    expect(row!.theo).toMatch(/^\d+\.\d{2}$/);

    // another department's Manager does not see this host's portfolio
    const other = await stack.query<{ staffMember: unknown }>(
      'query ($id: ID!, $window: DateRangeInput!) { staffMember(id: $id) { id hostedMembers(window: $window) { theo } } }',
      { id: hostId, window },
      { as: IDENTITIES.OtherManager },
    );
    expect(other.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');

    // the audit trail files every change under the member
    const changes = ['assignHost', 'requestVipExperience', 'approveVipExperience'];
    const allowed = (entries: { action: string; outcome: string }[]) =>
      entries.filter((e) => e.outcome === 'allowed').map((e) => e.action);
    const actions = allowed(
      await waitForAuditEntries<{ action: string; outcome: string }>(
        stack,
        AUDIT_LOGS,
        { targetId: member!.id },
        (entries) => changes.every((a) => allowed(entries).includes(a)),
      ),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['assignHost', 'requestVipExperience', 'approveVipExperience']),
    );
  });
});
