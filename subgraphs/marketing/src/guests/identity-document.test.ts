import { keyIdOf } from '@casino/crypto';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { problemsWithoutDataKeys, rotateKeysAndReseal, startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ResealMarketingProtectedFieldsDocument } from '../__generated__/operations';
import { WALK_IN_GUESTS } from './guest-store';
import type { WalkInGuestDocument } from './guest-store';

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
      idDocument
    }
  }
`;
const EXIT = `mutation ($id: ID!) { recordGuestExit(input: { id: $id, spendAmount: "0.00" }) { id } }`;
const BY_DOCUMENT = /* GraphQL */ `
  query ($doc: String!) {
    walkInGuests(filter: { idDocument: $doc }) {
      totalCount
      edges {
        node {
          id
          idDocument
        }
      }
    }
  }
`;
const DOC = `query ($id: ID!) { walkInGuest(id: $id) { id idDocument } }`;
const RESEAL = ResealMarketingProtectedFieldsDocument;

const input = (idDocument: string) => ({
  firstName: 'Chamari',
  lastName: 'Atapattu',
  nationality: 'Sri Lanka',
  idDocument,
  marketingConsent: false,
});

async function register(harness: SubgraphHarness, idDocument: string): Promise<string> {
  const result = await harness.execute<{ registerWalkInGuest: { id: string } }>(REGISTER, {
    input: input(idDocument),
  });
  expect(result.errors).toBeUndefined();
  return result.data!.registerWalkInGuest.id;
}

describe('walk_in_guests.id_document: sealed at rest, found by blind index', () => {
  let harness: SubgraphHarness;
  const guests = () => harness.db.collection<WalkInGuestDocument>(WALK_IN_GUESTS);
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  it('stores only the sealed document and its blind index, and audits neither', async () => {
    harness.auditEvents.length = 0;
    const id = await register(harness, 'S7788990');
    const raw = await guests().findOne({ id });
    expect(JSON.stringify(raw)).not.toContain('S7788990');
    expect(raw!.id_document).toMatch(/^enc\.v1\./);
    expect(raw!.id_document_index).toBe(harness.protector!.lookupKey('s778-8990'));
    const audit = JSON.stringify(harness.auditEvents.find((e) => e.action === 'registerWalkInGuest'));
    expect(audit).not.toContain('S7788990');
    expect(audit).not.toContain('enc.v1.');
    expect(audit).not.toContain(raw!.id_document_index);
  });

  it('finds every visit of a document however it is typed, through the blind index', async () => {
    const first = await register(harness, 'T1122334');
    await harness.execute(EXIT, { id: first });
    const second = await register(harness, 't112-2334');
    await register(harness, 'T1122335');
    const found = await harness.execute<{
      walkInGuests: { totalCount: number; edges: { node: { id: string; idDocument: string } }[] };
    }>(BY_DOCUMENT, { doc: ' t1122-334 ' }, { identity: AS.gamingManager });
    expect(found.errors).toBeUndefined();
    expect(found.data!.walkInGuests.totalCount).toBe(2);
    expect(found.data!.walkInGuests.edges.map((e) => e.node.id).sort()).toEqual([first, second].sort());
    expect(found.data!.walkInGuests.edges.map((e) => e.node.idDocument)).toEqual(['****2334', '****2334']);
    const none = await harness.execute<{ walkInGuests: { totalCount: number } }>(BY_DOCUMENT, {
      doc: 'T0000000',
    });
    expect(none.data!.walkInGuests.totalCount).toBe(0);
  });

  it('reveals the document to GeneralAdmin with a pii.read audit entry, masks it for a Manager', async () => {
    const id = await register(harness, 'U5566778');
    harness.auditEvents.length = 0;
    const manager = await harness.execute(DOC, { id }, { identity: AS.gamingManager });
    expect(manager.data).toEqual({ walkInGuest: { id, idDocument: '****6778' } });
    expect(harness.auditEvents).toEqual([]);
    const general = await harness.execute(DOC, { id }, { identity: AS.generalAdmin });
    expect(general.data).toEqual({ walkInGuest: { id, idDocument: 'U5566778' } });
    expect(harness.auditEvents).toEqual([
      expect.objectContaining({ action: 'pii.read', targetType: 'WalkInGuest', targetId: id }),
    ]);
  });

  it('lets only a service re-seal, with a batch size of 1 to 1000', async () => {
    const admin = await harness.execute(RESEAL, { batchSize: 10 }, { identity: AS.superAdmin });
    expect(admin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const batchSize of [0, 1001]) {
      const result = await harness.execute(RESEAL, { batchSize }, { identity: AS.compliance });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'batchSize' });
    }
  });
});

describe('re-sealing walk-in guests after a key change', () => {
  const documents = ['W2000001', 'W2000002', 'W2000003', 'W2000004', 'W2000005'];

  it('re-seals every document in batches, readable throughout and with the new key only at the end', async () => {
    const readAll = async (harness: SubgraphHarness, ids: string[]) => {
      for (const [i, id] of ids.entries()) {
        const result = await harness.execute(DOC, { id });
        expect(result.errors).toBeUndefined();
        expect(result.data).toEqual({ walkInGuest: { id, idDocument: documents[i] } });
      }
    };
    await rotateKeysAndReseal(marketingSubgraph, {
      documents,
      register,
      readAll,
      reseal: RESEAL,
      batchSize: 2,
      resealed: async (rotating, { calls }) => {
        for (const progress of calls) {
          expect(progress).toMatchObject({ collection: 'walk_in_guests', field: 'id_document', keyId: 'k2' });
        }
        expect(calls.map((c) => [c.resealed, c.remaining])).toEqual([
          [2, 3],
          [2, 1],
          [1, 0],
        ]);
        const raw = await rotating.db.collection<WalkInGuestDocument>(WALK_IN_GUESTS).find().toArray();
        for (const guest of raw) expect(keyIdOf(guest.id_document)).toBe('k2');
      },
      after: async (after, { ids }) => {
        const found = await after.execute<{ walkInGuests: { edges: { node: { id: string } }[] } }>(
          BY_DOCUMENT,
          {
            doc: 'w200-0004',
          },
        );
        expect(found.data!.walkInGuests.edges.map((e) => e.node.id)).toEqual([ids[3]]);
      },
    });
  });
});

describe('marketing configuration', () => {
  it('refuses to start without data keys, naming the variables', () => {
    const problems = problemsWithoutDataKeys(marketingSubgraph);
    expect(problems).toMatch(/DATA_ENCRYPTION_KEYS/);
    expect(problems).toMatch(/BLIND_INDEX_KEY/);
  });
});
