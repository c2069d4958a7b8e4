import { randomUUID } from 'node:crypto';
import type { Identity, Role } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { loyaltySubgraph, typeDefs } from './index';
import { protectIdentityDocument } from './members/member-store';
import type { MemberDocument } from './members/member-store';
import { rules } from './permissions';
import { memberDocument } from './testing/fixtures';
import { startSubgraphHarness, TEST_SUPERADMIN, testIdentity, withoutExplicitRule } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const admin = (role: string, department: string | null, permissions: string[] = []): Identity =>
  testIdentity(role as Role, { department, permissions });

const SUPERADMIN = TEST_SUPERADMIN;
const GENERAL_ADMIN = admin('GeneralAdmin', 'Management');
const GAMING_MANAGER = admin('Manager', 'Gaming');
const GAMING_SUPERVISOR = admin('Supervisor', 'Gaming');
const FNB_MANAGER = admin('Manager', 'F&B');
const SUPERVISOR_WITH_PII = admin('Supervisor', 'Gaming', ['pii:read']);
const ANONYMOUS: Identity = { kind: 'anonymous' };
const SERVICE: Identity = { kind: 'service', service: 'gaming' };

const ADMINS: [string, Identity][] = [
  ['SuperAdmin', SUPERADMIN],
  ['GeneralAdmin', GENERAL_ADMIN],
  ['Manager of Gaming', GAMING_MANAGER],
  ['Supervisor of Gaming', GAMING_SUPERVISOR],
  ['Manager of F&B', FNB_MANAGER],
];
const REVEALING: [string, Identity][] = [
  ['SuperAdmin', SUPERADMIN],
  ['GeneralAdmin', GENERAL_ADMIN],
  ['Supervisor with pii:read', SUPERVISOR_WITH_PII],
];
const MASKED: [string, Identity][] = [
  ['Manager of Gaming', GAMING_MANAGER],
  ['Supervisor of Gaming', GAMING_SUPERVISOR],
  ['Manager of F&B', FNB_MANAGER],
];
const OUTSIDERS: [string, string, Identity][] = [
  ['anonymous', 'UNAUTHENTICATED', ANONYMOUS],
  ['a service', 'FORBIDDEN', SERVICE],
];

/** Every query field, every object type and every connection/edge type of the subgraph, in one read. */
const READ_EVERYTHING = /* GraphQL */ `
  query ReadEverything($memberId: ID!, $rewardId: ID!, $redemptionId: ID!, $entryId: ID!) {
    member(id: $memberId) {
      id
      memberNumber
      firstName
      nicPassport
      lifetimeSpend
      redemptions {
        edges {
          node {
            id
            member {
              id
            }
            reward {
              id
              name
            }
          }
          cursor
        }
        pageInfo {
          hasNextPage
          endCursor
        }
        totalCount
      }
      pointsLedger {
        edges {
          node {
            id
            amount
            member {
              id
            }
          }
          cursor
        }
        totalCount
      }
    }
    members(first: 5) {
      edges {
        node {
          id
          email
        }
        cursor
      }
      pageInfo {
        hasNextPage
      }
      totalCount
    }
    reward(id: $rewardId) {
      id
      cashValue
    }
    rewards {
      edges {
        node {
          id
        }
        cursor
      }
      pageInfo {
        hasNextPage
      }
      totalCount
    }
    rewardRedemption(id: $redemptionId) {
      id
      pointsSpent
    }
    rewardRedemptions {
      edges {
        node {
          id
        }
      }
      totalCount
    }
    pointsLedgerEntry(id: $entryId) {
      id
      source
    }
    pointsLedgerEntries {
      edges {
        node {
          id
        }
      }
      totalCount
    }
  }
`;

const NIC = /* GraphQL */ `
  query Nic($id: ID!) {
    member(id: $id) {
      id
      nicPassport
    }
  }
`;

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      memberNumber
      nicPassport
    }
  }
`;

let sequence = 0;
/** A Sapphire member with points, and a plaintext document number that `sealed` seals as the service would. */
const sapphireMember = (overrides: Partial<MemberDocument> = {}): MemberDocument =>
  memberDocument({
    nic_passport: `NIC${String(100_000 + ++sequence)}`,
    tier: 'Sapphire',
    points_balance: 100,
    tier_credits: 50,
    total_points_earned: 100,
    lifetime_spend: toMoney('1200.00'),
    ...overrides,
  });

function registerInput(nicPassport: string) {
  return {
    firstName: 'Ruwan',
    lastName: 'Jayasuriya',
    email: `${nicPassport.toLowerCase()}@example.com`,
    phone: '+94 71 222 3333',
    dateOfBirth: '1985-07-21T00:00:00.000Z',
    nationality: 'Sri Lanka',
    nicPassport,
  };
}

describe('loyalty permissions', () => {
  let harness: SubgraphHarness;
  const member = sapphireMember({ nic_passport: 'P4455667788' });
  const rewardId = randomUUID();
  const redemptionId = randomUUID();
  const entryId = randomUUID();
  const ids = { memberId: member.id, rewardId, redemptionId, entryId };
  const members = () => harness.db.collection('members');
  /** The member as the service stores it: identity document sealed, with its blind index. */
  const sealed = (m: MemberDocument) => ({
    ...m,
    ...protectIdentityDocument(harness.protector!, m.id, m.nic_passport!),
  });
  /** The audit events an operation adds. */
  async function audited<T>(operation: () => Promise<T>) {
    const from = harness.auditEvents.length;
    const result = await operation();
    return { result, events: harness.auditEvents.slice(from) };
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    await members().insertOne(sealed(member));
    await harness.db.collection('rewards').insertOne({
      id: rewardId,
      name: 'Dinner for two',
      description: 'At the harbour restaurant',
      category: 'dining',
      points_required: 500,
      cash_value: toMoney('80.00'),
      tier_access: ['Sapphire', 'Diamond', 'VIP'],
      stock_quantity: null,
      is_active: true,
      created_at: new Date('2024-02-01T00:00:00Z'),
    });
    await harness.db.collection('reward_redemptions').insertOne({
      id: redemptionId,
      member_id: member.id,
      reward_id: rewardId,
      points_spent: 500,
      status: 'completed',
      redeemed_at: new Date('2024-03-01T00:00:00Z'),
      cancelled_at: null,
    });
    await harness.db.collection('points_ledger').insertOne({
      id: entryId,
      member_id: member.id,
      balance: 'points',
      type: 'earn',
      amount: 600,
      source: 'gaming_session',
      source_id: null,
      reason: null,
      idempotency_key: `test:${entryId}`,
      created_at: new Date('2024-02-15T00:00:00Z'),
    });
  });
  afterAll(() => harness.close());

  it('has an explicit rule for every object type and every Query and Mutation field', () => {
    const missing = withoutExplicitRule(typeDefs, rules);
    expect(missing).toEqual([]);
  });

  describe('reads', () => {
    it.each(ADMINS)('lets %s read members, rewards, redemptions and the ledger', async (_, identity) => {
      const result = await harness.execute<Record<string, { totalCount?: number; id?: string }>>(
        READ_EVERYTHING,
        ids,
        { identity },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({
        member: { id: member.id, memberNumber: member.member_number, lifetimeSpend: '1200.00' },
        reward: { id: rewardId, cashValue: '80.00' },
        rewardRedemption: { id: redemptionId, pointsSpent: 500 },
        pointsLedgerEntry: { id: entryId, source: 'gaming_session' },
        rewards: { totalCount: 1 },
        rewardRedemptions: { totalCount: 1 },
        pointsLedgerEntries: { totalCount: 1 },
      });
      expect(result.data!.members!.totalCount).toBeGreaterThanOrEqual(1);
    });

    it.each(OUTSIDERS)('refuses %s every read with %s', async (_, code, identity) => {
      const result = await harness.execute(READ_EVERYTHING, ids, { identity });
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(new Set(result.errors!.map((e) => e.extensions?.code))).toEqual(new Set([code]));
      expect(result.data).toBeNull();
    });

    it('refuses outsiders member fields reached through _entities', async () => {
      const query = /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Member {
              id
              nicPassport
            }
          }
        }
      `;
      const representations = [{ __typename: 'Member', id: member.id }];
      const anonymous = await harness.execute(query, { r: representations }, { identity: ANONYMOUS });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const manager = await harness.execute(query, { r: representations }, { identity: GAMING_MANAGER });
      expect(manager.errors).toBeUndefined();
      expect(manager.data).toEqual({ _entities: [{ id: member.id, nicPassport: '****7788' }] });
    });
  });

  describe('nicPassport', () => {
    it.each(REVEALING)('shows %s the full number and audits the read', async (_, identity) => {
      const { result, events } = await audited(() => harness.execute(NIC, { id: member.id }, { identity }));
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ member: { id: member.id, nicPassport: 'P4455667788' } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'pii.read',
        service: 'loyalty',
        targetType: 'Member',
        targetId: member.id,
        outcome: 'allowed',
        actorId: identity.kind === 'admin' ? identity.userId : null,
        changes: { before: null, after: { field: 'nicPassport' } },
      });
    });

    it.each(MASKED)('shows %s only the last four characters and audits nothing', async (_, identity) => {
      const { result, events } = await audited(() => harness.execute(NIC, { id: member.id }, { identity }));
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ member: { id: member.id, nicPassport: '****7788' } });
      expect(events).toEqual([]);
    });

    it('audits one read per revealed value in a list', async () => {
      const extra = [sapphireMember(), sapphireMember()];
      await members().insertMany(extra.map(sealed));
      const query = /* GraphQL */ `
        {
          members(first: 50) {
            edges {
              node {
                id
                nicPassport
              }
            }
          }
        }
      `;
      const { result, events } = await audited(() =>
        harness.execute<{ members: { edges: { node: { id: string; nicPassport: string } }[] } }>(
          query,
          {},
          { identity: GENERAL_ADMIN },
        ),
      );
      expect(result.errors).toBeUndefined();
      const nodes = result.data!.members.edges.map((e) => e.node).filter((n) => n.nicPassport !== null);
      expect(nodes.length).toBeGreaterThanOrEqual(3);
      for (const m of extra) expect(nodes).toContainEqual({ id: m.id, nicPassport: m.nic_passport });
      expect(events.map((e) => e.action)).toEqual(nodes.map(() => 'pii.read'));
      expect(events.map((e) => e.targetId).sort()).toEqual(nodes.map((n) => n.id).sort());
    });

    it('reveals nothing and audits nothing for a member without a document number', async () => {
      const old = sapphireMember();
      const { nic_passport: _none, ...withoutDocument } = old;
      await members().insertOne(withoutDocument);
      const { result, events } = await audited(() =>
        harness.execute(NIC, { id: old.id }, { identity: SUPERADMIN }),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ member: { id: old.id, nicPassport: null } });
      expect(events).toEqual([]);
    });
  });

  describe('registerMember', () => {
    it.each(ADMINS)('lets %s register a member', async (name, identity) => {
      const nic = `REG${name.replace(/\W/g, '').toUpperCase().slice(0, 12)}`;
      const { result, events } = await audited(() =>
        harness.execute<{ registerMember: { id: string; nicPassport: string } }>(
          REGISTER,
          { input: registerInput(nic) },
          { identity },
        ),
      );
      expect(result.errors).toBeUndefined();
      const registered = result.data!.registerMember;
      expect(await members().countDocuments({ id: registered.id })).toBe(1);
      const revealed = identity.kind === 'admin' && ['SuperAdmin', 'GeneralAdmin'].includes(identity.role);
      expect(registered.nicPassport).toBe(revealed ? nic : `****${nic.slice(-4)}`);
      const mutation = events.find((e) => e.action === 'registerMember');
      expect(mutation).toMatchObject({ outcome: 'allowed', targetType: 'Member', targetId: registered.id });
      expect(JSON.stringify(mutation!.changes)).not.toContain(nic);
      expect(events.filter((e) => e.action === 'pii.read')).toHaveLength(revealed ? 1 : 0);
    });

    it.each(OUTSIDERS)(
      'refuses %s with %s, writes nothing and audits the denial',
      async (_, code, identity) => {
        const before = await members().countDocuments();
        const { result, events } = await audited(() =>
          harness.execute(REGISTER, { input: registerInput('DENIED12345') }, { identity }),
        );
        expect(result.errors?.[0]?.extensions?.code).toBe(code);
        expect(result.data).toBeNull();
        expect(await members().countDocuments()).toBe(before);
        const index = harness.protector!.lookupKey('DENIED12345');
        expect(await members().countDocuments({ nic_passport_index: index })).toBe(0);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'registerMember',
          outcome: 'denied',
          targetType: 'Member',
        });
        expect(JSON.stringify(events[0]!.changes)).not.toContain('DENIED12345');
      },
    );
  });
});
