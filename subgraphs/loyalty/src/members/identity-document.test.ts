import { randomBytes } from 'node:crypto';
import { keyIdOf } from '@casino/crypto';
import { loyaltySubgraph } from '../index';
import { admin, COMPLIANCE_SERVICE, memberDocument } from '../testing/fixtures';
import { problemsWithoutDataKeys, rotateKeysAndReseal, startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ResealLoyaltyProtectedFieldsDocument } from '../__generated__/operations';
import { MEMBERS } from './member-store';
import type { MemberDocument } from './member-store';

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      nicPassport
    }
  }
`;
const BY_DOCUMENT = /* GraphQL */ `
  query ($nic: String!) {
    members(filter: { nicPassport: $nic }) {
      totalCount
      edges {
        node {
          id
          nicPassport
        }
      }
    }
  }
`;
const NIC = `query ($id: ID!) { member(id: $id) { id nicPassport } }`;
const RESEAL = ResealLoyaltyProtectedFieldsDocument;

let sequence = 0;
function registerInput(nicPassport: string) {
  sequence += 1;
  return {
    firstName: 'Dilani',
    lastName: 'Wickramasinghe',
    email: `dilani.${sequence}.${randomBytes(3).toString('hex')}@example.com`,
    phone: '+94 77 123 4567',
    dateOfBirth: '1984-02-03T00:00:00.000Z',
    nationality: 'Sri Lanka',
    nicPassport,
  };
}

async function register(harness: SubgraphHarness, nicPassport: string) {
  const result = await harness.execute<{ registerMember: { id: string; nicPassport: string } }>(REGISTER, {
    input: registerInput(nicPassport),
  });
  expect(result.errors).toBeUndefined();
  return result.data!.registerMember;
}

const GENERAL_ADMIN = admin('GeneralAdmin', 'Management');
const MANAGER = admin('Manager', 'Gaming');

describe('members.nic_passport: sealed at rest, found by blind index', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>(MEMBERS);
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('stores only the sealed document and its blind index, and audits neither', async () => {
    harness.auditEvents.length = 0;
    const { id } = await register(harness, 'N7712345');
    const raw = await members().findOne({ id });
    expect(JSON.stringify(raw)).not.toContain('N7712345');
    expect(raw!.nic_passport).toMatch(/^enc\.v1\./);
    expect(raw!.nic_passport_index).toBe(harness.protector!.lookupKey('n771-2345'));
    const context = { collection: 'members', field: 'nic_passport', documentId: id };
    expect(harness.protector!.open(raw!.nic_passport!, context)).toBe('N7712345');
    const audit = JSON.stringify(harness.auditEvents.find((e) => e.action === 'registerMember'));
    expect(audit).not.toContain('N7712345');
    expect(audit).not.toContain('enc.v1.');
    expect(audit).not.toContain(raw!.nic_passport_index!);
  });

  it('refuses the same document typed differently as CONFLICT on input.nicPassport, writing nothing', async () => {
    await register(harness, 'P5544332');
    const before = await members().countDocuments();
    for (const typed of ['p5544332', ' P554-4332 ', 'p-5544-332']) {
      const result = await harness.execute(REGISTER, { input: registerInput(typed) });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.nicPassport' });
      expect(result.errors?.[0]?.message).not.toMatch(/5544/);
    }
    expect(await members().countDocuments()).toBe(before);
  });

  it('lets any number of members have no document (the index field is omitted, not null)', async () => {
    const a = memberDocument();
    const b = memberDocument();
    await members().insertMany([a, b]);
    const raw = await members().findOne({ id: a.id });
    expect(raw).not.toHaveProperty('nic_passport_index');
    const result = await harness.execute(NIC, { id: a.id });
    expect(result.data).toEqual({ member: { id: a.id, nicPassport: null } });
  });

  it('looks a member up by the document however it is typed, through the blind index', async () => {
    const { id } = await register(harness, 'K9988776');
    await members().insertOne(memberDocument({}, harness.protector, 'K9988777'));
    const found = await harness.execute<{
      members: { totalCount: number; edges: { node: { id: string; nicPassport: string } }[] };
    }>(BY_DOCUMENT, { nic: 'k998-8776' }, { identity: MANAGER });
    expect(found.errors).toBeUndefined();
    expect(found.data!.members.totalCount).toBe(1);
    expect(found.data!.members.edges[0]!.node).toEqual({ id, nicPassport: '****8776' });
    const none = await harness.execute<{ members: { totalCount: number } }>(BY_DOCUMENT, { nic: 'K0000000' });
    expect(none.data!.members.totalCount).toBe(0);
  });

  it('reveals the document to GeneralAdmin with a pii.read audit entry, masks it for a Manager', async () => {
    const { id } = await register(harness, 'M1234987');
    harness.auditEvents.length = 0;
    const manager = await harness.execute(NIC, { id }, { identity: MANAGER });
    expect(manager.data).toEqual({ member: { id, nicPassport: '****4987' } });
    expect(harness.auditEvents).toEqual([]);
    const general = await harness.execute(NIC, { id }, { identity: GENERAL_ADMIN });
    expect(general.data).toEqual({ member: { id, nicPassport: 'M1234987' } });
    expect(harness.auditEvents).toEqual([
      expect.objectContaining({ action: 'pii.read', targetType: 'Member', targetId: id }),
    ]);
  });

  it('lets only a service re-seal, with a batch size of 1 to 1000', async () => {
    const manager = await harness.execute(RESEAL, { batchSize: 10 }, { identity: GENERAL_ADMIN });
    expect(manager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const batchSize of [0, 1001]) {
      const result = await harness.execute(RESEAL, { batchSize }, { identity: COMPLIANCE_SERVICE });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'batchSize' });
    }
  });
});

describe('re-sealing members after a key change', () => {
  const documents = ['R1000001', 'R1000002', 'R1000003', 'R1000004', 'R1000005'];

  it('re-seals every document in batches, readable throughout and with the new key only at the end', async () => {
    const readAll = async (harness: SubgraphHarness, ids: string[]) => {
      for (const [i, id] of ids.entries()) {
        const result = await harness.execute(NIC, { id });
        expect(result.errors).toBeUndefined();
        expect(result.data).toEqual({ member: { id, nicPassport: documents[i] } });
      }
    };
    await rotateKeysAndReseal(loyaltySubgraph, {
      documents,
      register: async (harness, nic) => (await register(harness, nic)).id,
      readAll,
      reseal: RESEAL,
      batchSize: 2,
      resealed: async (rotating, { ids, calls }) => {
        for (const progress of calls) {
          expect(progress).toMatchObject({ collection: 'members', field: 'nic_passport', keyId: 'k2' });
        }
        expect(calls.map((c) => [c.resealed, c.remaining])).toEqual([
          [2, 3],
          [2, 1],
          [1, 0],
        ]);
        const raw = await rotating.db
          .collection<MemberDocument>(MEMBERS)
          .find({ id: { $in: ids } })
          .toArray();
        for (const member of raw) expect(keyIdOf(member.nic_passport!)).toBe('k2');
      },
      after: async (after, { ids }) => {
        const found = await after.execute<{ members: { edges: { node: { id: string } }[] } }>(BY_DOCUMENT, {
          nic: 'r100-0003',
        });
        expect(found.data!.members.edges.map((e) => e.node.id)).toEqual([ids[2]]);
      },
    });
  });
});

describe('loyalty configuration', () => {
  it('refuses to start without data keys, naming the variables', () => {
    const problems = problemsWithoutDataKeys(loyaltySubgraph);
    expect(problems).toMatch(/DATA_ENCRYPTION_KEYS/);
    expect(problems).toMatch(/BLIND_INDEX_KEY/);
  });
});
