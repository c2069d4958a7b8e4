import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { AUDIT_LOGS } from './audit-log-store';
import { adminDoc, auditLogDoc, countReads } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const AUDIT_LOGS_QUERY = /* GraphQL */ `
  query Logs($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLogs(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          timestamp
          action
          targetType
          targetId
          outcome
          role
          changes
          requestId
          clientName
          ip
          actor {
            id
            username
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`;

interface LogNode {
  id: string;
  timestamp: string;
  action: string;
  targetId: string | null;
  outcome: string;
  actor: { id: string; username: string } | null;
}
interface LogPage {
  auditLogs: {
    edges: { node: LogNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 2, day, hour));

describe('audit logs', () => {
  let harness: SubgraphHarness;
  const alice = adminDoc({ username: 'alice', role: 'GeneralAdmin', department: null });
  const bob = adminDoc({ username: 'bob', role: 'Supervisor' });
  const memberId = 'f3c2a1b0-1111-4222-8333-944455556666';
  const logs = [
    auditLogDoc({
      timestamp: at(1),
      admin_user_id: alice.id,
      role: 'GeneralAdmin',
      action: 'login',
      target_type: 'AdminUser',
      target_id: alice.id,
    }),
    auditLogDoc({ timestamp: at(2), admin_user_id: alice.id, role: 'GeneralAdmin', target_id: memberId }),
    auditLogDoc({
      timestamp: at(3),
      admin_user_id: bob.id,
      role: 'Supervisor',
      action: 'revealNicPassport',
      target_id: memberId,
      changes: null,
      outcome: 'denied',
    }),
    auditLogDoc({
      timestamp: at(4),
      admin_user_id: bob.id,
      role: 'Supervisor',
      action: 'login',
      target_type: 'AdminUser',
      target_id: bob.id,
    }),
    auditLogDoc({
      timestamp: at(5),
      admin_user_id: null,
      role: null,
      action: 'creditPoints',
      target_id: memberId,
    }),
    auditLogDoc({
      timestamp: at(6),
      admin_user_id: alice.id,
      role: 'GeneralAdmin',
      action: 'readAuditLogs',
      target_type: 'AuditLog',
      target_id: null,
      changes: null,
    }),
  ];

  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
    await harness.db.collection(ADMIN_USERS).insertMany([{ ...alice }, { ...bob }]);
    await harness.db.collection(AUDIT_LOGS).insertMany(logs.map((l) => ({ ...l })));
  });
  afterAll(() => harness.close());

  it('lists entries newest first, with each actor loaded in one query for the page', async () => {
    let result: Awaited<ReturnType<SubgraphHarness['execute']>> | undefined;
    const reads = await countReads(async () => {
      result = await harness.execute<LogPage>(AUDIT_LOGS_QUERY);
    });
    expect(result!.errors).toBeUndefined();
    const page = (result!.data as unknown as LogPage).auditLogs;
    expect(page.totalCount).toBe(6);
    expect(page.edges.map((e) => e.node.id)).toEqual([...logs].reverse().map((l) => l.id));
    expect(page.edges.map((e) => e.node.actor?.username ?? null)).toEqual([
      'alice',
      null,
      'bob',
      'bob',
      'alice',
      'alice',
    ]);
    expect(page.edges[3]!.node).toMatchObject({
      action: 'revealNicPassport',
      outcome: 'denied',
      targetId: memberId,
      timestamp: '2026-03-03T12:00:00.000Z',
    });
    // the page, its totalCount (countDocuments runs an aggregate) and one batch of actors
    expect(reads).toEqual({ 'audit_logs.find': 1, 'audit_logs.aggregate': 1, 'admin_users.find': 1 });
  });

  it('filters by actor, action, target, outcome and time range', async () => {
    const ids = async (filter: Record<string, unknown>) => {
      const result = await harness.execute<LogPage>(AUDIT_LOGS_QUERY, { filter });
      expect(result.errors).toBeUndefined();
      return result.data!.auditLogs.edges.map((e) => e.node.id);
    };
    expect(await ids({ actorId: bob.id })).toEqual([logs[3]!.id, logs[2]!.id]);
    expect(await ids({ action: 'login' })).toEqual([logs[3]!.id, logs[0]!.id]);
    expect(await ids({ targetType: 'Member', targetId: memberId })).toEqual([
      logs[4]!.id,
      logs[2]!.id,
      logs[1]!.id,
    ]);
    expect(await ids({ outcome: 'denied' })).toEqual([logs[2]!.id]);
    // from is inclusive, to is exclusive
    expect(await ids({ from: at(2).toISOString(), to: at(4).toISOString() })).toEqual([
      logs[2]!.id,
      logs[1]!.id,
    ]);
  });

  it('pages with after without skipping or repeating entries', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const result: Awaited<ReturnType<typeof harness.execute<LogPage>>> = await harness.execute<LogPage>(
        AUDIT_LOGS_QUERY,
        { first: 2, after },
      );
      const page = result.data!.auditLogs;
      seen.push(...page.edges.map((e) => e.node.id));
      expect(page.pageInfo.hasNextPage).toBe(i < 2);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...logs].reverse().map((l) => l.id));
  });

  it('rejects a malformed date in the filter', async () => {
    const result = await harness.execute(AUDIT_LOGS_QUERY, { filter: { from: 'yesterday' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves one entry by id and as an entity', async () => {
    const single = await harness.execute<{ auditLog: { id: string; changes: unknown } }>(
      `query($id: ID!) { auditLog(id: $id) { id changes } }`,
      { id: logs[1]!.id },
    );
    expect(single.data!.auditLog).toEqual({ id: logs[1]!.id, changes: logs[1]!.changes });
    const entity = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on AuditLog { id action actor { username } } } }`,
      { r: [{ __typename: 'AuditLog', id: logs[2]!.id }] },
    );
    expect(entity.data!._entities).toEqual([
      { id: logs[2]!.id, action: 'revealNicPassport', actor: { username: 'bob' } },
    ]);
  });
});
