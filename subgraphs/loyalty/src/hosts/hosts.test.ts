import { randomUUID } from 'node:crypto';
import { startServedSubgraph, startSubgraphHarness } from '@casino/testing';
import type { ServedSubgraph, SubgraphHarness } from '@casino/testing';
import { workforceSubgraph } from '@casino/workforce';
import { staffDoc, useFixtureProtector } from '@casino/workforce/testing';
import { DAY_MS } from '@casino/config';
import { DEFAULT_LOYALTY_SETTINGS, loyaltySubgraph } from '../index';
import { createStores } from '../stores';
import { HostService, gamingTheoLookup, workforceHostLookup } from './host-service';
import type { MemberDocument } from '../members/member-store';
import { startTestGaming } from '@casino/gaming/testing';
import type { TestGaming } from '@casino/gaming/testing';
import { admin, memberDocument } from '../testing/fixtures';

const ASSIGN = /* GraphQL */ `
  mutation Assign($memberId: ID!, $staffId: ID) {
    assignHost(memberId: $memberId, staffId: $staffId) {
      id
      host {
        id
      }
    }
  }
`;

const PORTFOLIO = /* GraphQL */ `
  query Portfolio($representations: [_Any!]!, $window: DateRangeInput!) {
    _entities(representations: $representations) {
      ... on StaffMember {
        id
        hostedMembers(window: $window) {
          member {
            id
          }
          theo
          sessions
          lastVisit
          daysSinceLastVisit
        }
      }
    }
  }
`;

interface Row {
  member: { id: string };
  theo: string;
  sessions: number;
  lastVisit: string | null;
  daysSinceLastVisit: number | null;
}

const WINDOW = {
  from: new Date(Date.now() - 30 * DAY_MS).toISOString(),
  to: new Date(Date.now() + DAY_MS).toISOString(),
};

/** Hosts, with real workforce and gaming subgraphs answering loyalty's checks and theo look-ups. */
describe('hosts', () => {
  let workforce: ServedSubgraph;
  let gaming: TestGaming;
  let harness: SubgraphHarness;
  const host = randomUUID();
  const otherDepartmentHost = randomUUID();
  const formerHost = randomUUID();
  const members = () => harness.db.collection<MemberDocument>('members');

  async function member(overrides: Partial<MemberDocument> = {}) {
    const doc = memberDocument(overrides);
    await members().insertOne({ ...doc });
    return doc;
  }
  /** A completed gaming session of the member (gaming holds it; its theo is gaming's figure) */
  const played = (memberId: string, theo: string, endedAt = new Date(Date.now() - DAY_MS)) =>
    gaming.addSession({ memberId, theo, endedAt });
  const assign = (memberId: string, staffId: string | null, identity = admin('Manager')) =>
    harness.execute<{ assignHost: { id: string; host: { id: string } | null } }>(
      ASSIGN,
      { memberId, staffId },
      { identity },
    );
  const portfolio = (staffId: string, identity = admin('Supervisor'), window = WINDOW) =>
    harness.execute<{ _entities: { id: string; hostedMembers: Row[] }[] }>(
      PORTFOLIO,
      { representations: [{ __typename: 'StaffMember', id: staffId }], window },
      { identity },
    );
  const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    (result.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    workforce = await startServedSubgraph(workforceSubgraph);
    useFixtureProtector(workforce.protector);
    await workforce.db
      .collection('staff_members')
      .insertMany([
        staffDoc(host, 'Hana', 'Gaming', null),
        staffDoc(otherDepartmentHost, 'Omar', 'F&B', null),
        staffDoc(formerHost, 'Fay', 'Gaming', null, { employment_status: 'terminated' }),
      ]);
    gaming = await startTestGaming();
    harness = await startSubgraphHarness(loyaltySubgraph, {
      services: { workforce: workforce.clientAs('loyalty'), gaming: gaming.client },
    });
  });
  afterAll(async () => {
    useFixtureProtector(undefined);
    await harness.close();
    await workforce.stop();
    await gaming.stop();
  });

  describe('assignHost', () => {
    it('a Manager assigns an active staff member of their department, audited under the member', async () => {
      const m = await member();
      harness.auditEvents.length = 0;
      const result = await assign(m.id, host);
      expect(result.errors).toBeUndefined();
      expect(result.data!.assignHost).toEqual({ id: m.id, host: { id: host } });
      expect((await members().findOne({ id: m.id }))!.host_staff_id).toBe(host);
      expect(harness.auditEvents.map((e) => [e.action, e.outcome])).toEqual([['assignHost', 'allowed']]);
      expect(harness.auditEvents[0]!.changes).toEqual({
        before: { memberId: m.id, hostStaffId: null },
        after: { memberId: m.id, hostStaffId: host },
      });
      // and removes them again
      const removed = await assign(m.id, null);
      expect(removed.data!.assignHost.host).toBeNull();
      expect((await members().findOne({ id: m.id }))!.host_staff_id).toBeNull();
    });

    it('refuses a Supervisor, another department, an unknown or inactive staff member; nothing changes', async () => {
      const m = await member();
      expect(codes(await assign(m.id, host, admin('Supervisor')))).toEqual(['FORBIDDEN']);
      expect(codes(await assign(m.id, otherDepartmentHost, admin('Manager')))).toEqual(['FORBIDDEN']);
      expect(codes(await assign(m.id, randomUUID()))).toEqual(['BAD_USER_INPUT']);
      const inactive = await assign(m.id, formerHost);
      expect(codes(inactive)).toEqual(['BAD_USER_INPUT']);
      expect(inactive.errors![0]!.message).toBe('staffId: this staff member is not active');
      expect(codes(await assign(randomUUID(), host))).toEqual(['BAD_USER_INPUT']);
      expect((await members().findOne({ id: m.id }))!.host_staff_id).toBeUndefined();
      // a GeneralAdmin assigns across departments
      const general = await assign(m.id, otherDepartmentHost, admin('GeneralAdmin', null));
      expect(general.data!.assignHost.host).toEqual({ id: otherDepartmentHost });
    });
  });

  describe('StaffMember.hostedMembers', () => {
    it("lists the host's members with theo in the window and days since the last visit, most theo first", async () => {
      const big = await member({
        host_staff_id: host,
        // whole days back, so the day count is the same in local days (UTC here) at any time of day
        last_visit: new Date(Date.now() - 3 * DAY_MS),
      });
      const small = await member({ host_staff_id: host, last_visit: new Date(Date.now() - 40 * DAY_MS) });
      const never = await member({ host_staff_id: host, last_visit: null });
      await member({ host_staff_id: otherDepartmentHost });
      await played(big.id, '1500.00', new Date(Date.now() - 5 * DAY_MS));
      await played(big.id, '500.50', new Date(Date.now() - 6 * DAY_MS));
      // gaming's session ended after loyalty's recorded last visit: it counts as the last visit
      const smallEnd = new Date(Date.now() - DAY_MS);
      await played(small.id, '99.99', smallEnd);
      // outside the window: not counted
      await played(small.id, '10000.00', new Date(Date.now() - 60 * DAY_MS));

      const result = await portfolio(host, admin('Supervisor', 'Gaming'));
      expect(result.errors).toBeUndefined();
      const rows = result.data!._entities[0]!.hostedMembers;
      expect(rows.map((r) => [r.member.id, r.theo, r.sessions, r.daysSinceLastVisit])).toEqual([
        [big.id, '2000.50', 2, 3],
        [small.id, '99.99', 1, 1],
        [never.id, '0.00', 0, null],
      ]);
      expect(rows.map((r) => r.lastVisit)).toEqual([
        big.last_visit!.toISOString(),
        smallEnd.toISOString(),
        null,
      ]);
    });

    it("is FORBIDDEN outside the caller's department, open to GeneralAdmin", async () => {
      await member({ host_staff_id: otherDepartmentHost });
      for (const identity of [admin('Supervisor', 'Gaming'), admin('Manager', 'Gaming')]) {
        const refused = await portfolio(otherDepartmentHost, identity);
        expect(codes(refused)).toEqual(['FORBIDDEN']);
      }
      const own = await portfolio(otherDepartmentHost, admin('Supervisor', 'F&B'));
      expect(own.errors).toBeUndefined();
      const general = await portfolio(otherDepartmentHost, admin('GeneralAdmin', null));
      expect(general.data!._entities[0]!.hostedMembers.length).toBeGreaterThan(0);
    });

    it('refuses an empty window with BAD_USER_INPUT', async () => {
      const result = await portfolio(host, admin('Manager'), { from: WINDOW.to, to: WINDOW.from });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });

    it("counts days since the last visit as local calendar days in the property's zone, either side of a change", async () => {
      const hosts = new HostService(
        createStores(harness.db, harness.protector),
        { ...DEFAULT_LOYALTY_SETTINGS, timeZone: 'America/New_York' },
        workforceHostLookup(workforce.clientAs('loyalty')),
        gamingTheoLookup(gaming.client),
      );
      const daysAt = async (now: string, visits: Record<string, string>) => {
        const staffId = randomUUID();
        const ids = new Map<string, string>();
        for (const [name, at] of Object.entries(visits)) {
          ids.set((await member({ host_staff_id: staffId, last_visit: new Date(at) })).id, name);
        }
        const at = new Date(now);
        const window = { from: new Date(at.getTime() - 30 * DAY_MS), to: at };
        const rows = await hosts.portfolio(staffId, window, admin('GeneralAdmin', null), undefined, at);
        return Object.fromEntries(rows.map((row) => [ids.get(row.member.id), row.daysSinceLastVisit]));
      };
      // 00:10 EDT on 9 March 2026, the day after the clocks went forward
      expect(
        await daysAt('2026-03-09T04:10:00Z', {
          lastNight: '2026-03-09T03:50:00Z', // 23:50 EDT on the 8th: 20 minutes ago, yesterday
          today: '2026-03-09T04:05:00Z', // 00:05 EDT
          beforeChange: '2026-03-08T04:50:00Z', // 23:50 EST on the 7th: 47h20m ago, two days
        }),
      ).toEqual({ beforeChange: 2, lastNight: 1, today: 0 });
      // 00:10 EST on 3 November 2025, the day after the clocks went back
      expect(
        await daysAt('2025-11-03T05:10:00Z', {
          lastNight: '2025-11-03T04:50:00Z', // 23:50 EST on the 2nd
          changeDay: '2025-11-02T04:10:00Z', // 00:10 EDT on the 2nd: 25 hours ago, one day
          beforeChange: '2025-11-02T03:50:00Z', // 23:50 EDT on the 1st: 25h20m ago, two days
        }),
      ).toEqual({ beforeChange: 2, changeDay: 1, lastNight: 1 });
    });
  });
});
