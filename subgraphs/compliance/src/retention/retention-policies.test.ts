import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { DATA_RETENTION_POLICIES } from './retention-policy-store';
import { adminDoc, countReads, policyDoc } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const POLICIES_QUERY = /* GraphQL */ `
  query Policies($filter: DataRetentionPolicyFilter, $first: Int, $after: String) {
    dataRetentionPolicies(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          policyName
          dataCategory
          status
          retentionPeriodDays
          createdBy {
            username
          }
          approvedBy {
            username
          }
          approvalDate
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

interface PolicyNode {
  id: string;
  createdBy: { username: string };
  approvedBy: { username: string } | null;
}
interface PolicyPage {
  dataRetentionPolicies: {
    edges: { node: PolicyNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const day = (n: number) => new Date(Date.UTC(2026, 0, n));

describe('data retention policies', () => {
  let harness: SubgraphHarness;
  const creator = adminDoc({ username: 'generaladmin', role: 'GeneralAdmin', department: null });
  const approver = adminDoc({ username: 'superadmin', role: 'SuperAdmin', department: null });
  const policies = [
    policyDoc({
      data_category: 'member_data',
      status: 'active',
      created_by: creator.id,
      approved_by: approver.id,
      approval_date: day(3),
      created_at: day(1),
    }),
    policyDoc({
      data_category: 'marketing_data',
      status: 'pending_approval',
      created_by: creator.id,
      created_at: day(2),
    }),
    policyDoc({
      data_category: 'gaming_logs',
      status: 'active',
      created_by: approver.id,
      approved_by: approver.id,
      approval_date: day(4),
      created_at: day(3),
    }),
  ];

  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
    await harness.db.collection(ADMIN_USERS).insertMany([{ ...creator }, { ...approver }]);
    await harness.db.collection(DATA_RETENTION_POLICIES).insertMany(policies.map((p) => ({ ...p })));
  });
  afterAll(() => harness.close());

  it('lists policies newest first; creators and approvers share one admin query', async () => {
    let result: Awaited<ReturnType<SubgraphHarness['execute']>> | undefined;
    const reads = await countReads(async () => {
      result = await harness.execute(POLICIES_QUERY);
    });
    expect(result!.errors).toBeUndefined();
    const page = (result!.data as unknown as PolicyPage).dataRetentionPolicies;
    expect(page.edges.map((e) => e.node.id)).toEqual([policies[2]!.id, policies[1]!.id, policies[0]!.id]);
    expect(page.edges.map((e) => [e.node.createdBy.username, e.node.approvedBy?.username ?? null])).toEqual([
      ['superadmin', 'superadmin'],
      ['generaladmin', null],
      ['generaladmin', 'superadmin'],
    ]);
    expect(reads['admin_users.find']).toBe(1);
  });

  it('filters by data category and status', async () => {
    const ids = async (filter: Record<string, unknown>) => {
      const result = await harness.execute<PolicyPage>(POLICIES_QUERY, { filter });
      expect(result.errors).toBeUndefined();
      return result.data!.dataRetentionPolicies.edges.map((e) => e.node.id);
    };
    expect(await ids({ status: 'pending_approval' })).toEqual([policies[1]!.id]);
    expect(await ids({ dataCategory: 'member_data' })).toEqual([policies[0]!.id]);
    expect(await ids({ dataCategory: 'member_data', status: 'pending_approval' })).toEqual([]);
  });

  it('rejects an unknown category value', async () => {
    const result = await harness.execute(POLICIES_QUERY, { filter: { dataCategory: 'cctv' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages with after', async () => {
    const first = await harness.execute<PolicyPage>(POLICIES_QUERY, { first: 2 });
    const second = await harness.execute<PolicyPage>(POLICIES_QUERY, {
      first: 2,
      after: first.data!.dataRetentionPolicies.pageInfo.endCursor,
    });
    expect(second.data!.dataRetentionPolicies.edges.map((e) => e.node.id)).toEqual([policies[0]!.id]);
    expect(first.data!.dataRetentionPolicies.totalCount).toBe(3);
  });

  it('resolves a policy by id and as an entity', async () => {
    const single = await harness.execute<{ dataRetentionPolicy: Record<string, unknown> }>(
      `query($id: ID!) { dataRetentionPolicy(id: $id) { id policyName exceptions legalBasis } }`,
      { id: policies[0]!.id },
    );
    expect(single.data!.dataRetentionPolicy).toEqual({
      id: policies[0]!.id,
      policyName: 'Gaming session logs',
      exceptions: [],
      legalBasis: 'PDPA 2022: legal obligation',
    });
    const entity = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on DataRetentionPolicy { id status } } }`,
      { r: [{ __typename: 'DataRetentionPolicy', id: policies[1]!.id }] },
    );
    expect(entity.data!._entities).toEqual([{ id: policies[1]!.id, status: 'pending_approval' }]);
  });
});
