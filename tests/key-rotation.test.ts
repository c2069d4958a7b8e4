import { MongoClient } from 'mongodb';
import { keyIdOf } from '@casino/crypto';
import { keyRotationEnvs } from '@casino/testing';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/**
 * Key rotation end to end, through the gateway: data sealed under k1, the services restarted on the same
 * databases with the keyring k2,k1 (k2 current), rotateEncryptionKey run in small interrupted steps until it
 * completes, then the services restarted with k2 only: every protected value still reads the same.
 */
const { before: keysV1, during: keysRotating, after: keysV2 } = keyRotationEnvs();

/** Every protected field: where it is stored, and how to read it through the gateway (id -> value). */
const PROTECTED = [
  {
    subgraph: 'loyalty',
    collection: 'members',
    field: 'nic_passport',
    query: `{ members(first: 100) { edges { node { id value: nicPassport } } } }`,
    list: 'members',
  },
  {
    subgraph: 'marketing',
    collection: 'walk_in_guests',
    field: 'id_document',
    query: `{ walkInGuests(first: 100) { edges { node { id value: idDocument } } } }`,
    list: 'walkInGuests',
  },
  {
    subgraph: 'workforce',
    collection: 'staff_members',
    field: 'salary',
    query: `{ staffMembers(first: 200) { edges { node { id value: salary } } } }`,
    list: 'staffMembers',
  },
] as const;

type Values = Record<string, Record<string, string | null>>;

const ROTATE = `mutation($input: RotateEncryptionKeyInput) {
  rotateEncryptionKey(input: $input) {
    id status keyId failedSubgraphs finishedAt
    fields { subgraph collection field resealed remaining keyId }
  }
}`;

type Run = {
  id: string;
  status: string;
  keyId: string | null;
  failedSubgraphs: string[];
  fields: { subgraph: string; collection: string; field: string; resealed: number; remaining: number }[];
};

describe('rotateEncryptionKey across the subgraphs, through the gateway', () => {
  let stack: TestStack | null = null;
  let databases: TestStack['databases'];

  /** Every protected value as a SuperAdmin reads it: plaintext. */
  async function readAll(current: TestStack): Promise<Values> {
    const values: Values = {};
    for (const target of PROTECTED) {
      const result = await current.query<
        Record<string, { edges: { node: { id: string; value: string } }[] }>
      >(target.query, {}, { as: IDENTITIES.SuperAdmin });
      expect(result.errors).toBeUndefined();
      values[target.collection] = Object.fromEntries(
        result.data![target.list]!.edges.map((edge) => [edge.node.id, edge.node.value]),
      );
    }
    return values;
  }

  async function rotate(current: TestStack, input: Record<string, number> | null): Promise<Run> {
    const result = await current.query<{ rotateEncryptionKey: Run }>(
      ROTATE,
      { input },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.rotateEncryptionKey;
  }

  afterAll(async () => {
    await stack?.stop();
  });

  it('re-seals every protected value under the new key; reads never break and the old key can go', async () => {
    stack = await startTestStack({ seedMembers: 30, env: keysV1 });
    databases = stack.databases;
    // a walk-in guest registered through the API, so marketing holds at least one identity document
    const guest = await stack.query(
      `mutation($input: RegisterWalkInGuestInput!) { registerWalkInGuest(input: $input) { id } }`,
      {
        input: {
          firstName: 'Rotation',
          lastName: 'Guest',
          nationality: 'LK',
          idDocument: 'N7712345',
          marketingConsent: false,
        },
      },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(guest.errors).toBeUndefined();

    const before = await readAll(stack);
    for (const target of PROTECTED) {
      const values = Object.values(before[target.collection]!);
      expect(values.length).toBeGreaterThan(0);
      // SuperAdmin reads plaintext: no mask, no ciphertext
      for (const value of values.filter((v) => v !== null)) {
        expect(value).not.toMatch(/^\*\*\*\*|^enc\./);
      }
    }
    expect(Object.values(before.walk_in_guests!)).toContain('N7712345');

    // the operator rolls every service to the keyring k2,k1 with k2 current, on the same databases
    await stack.stop({ keepDatabases: true });
    stack = null;
    stack = await startTestStack({ databases, env: keysRotating });

    // one small step per subgraph: interrupted, with values left
    const first = await rotate(stack, { batchSize: 5, maxBatches: 1 });
    expect(first).toMatchObject({ status: 'incomplete', keyId: 'k2', failedSubgraphs: [] });
    expect(first.fields.map((f) => `${f.subgraph}.${f.collection}.${f.field}`).sort()).toEqual(
      [
        ...PROTECTED.map((t) => `${t.subgraph}.${t.collection}.${t.field}`),
        // guests moved to the archive by retention keep their sealed document: re-sealed too (empty here)
        'marketing.walk_in_guests_archive.id_document',
        // compliance's own TOTP secrets, re-sealed in-process (none enrolled here)
        'compliance.admin_two_factor.secret',
        'compliance.admin_two_factor.pending_secret',
      ].sort(),
    );
    for (const field of first.fields) expect(field.resealed).toBeLessThanOrEqual(5);
    expect(first.fields.some((f) => f.remaining > 0)).toBe(true);
    // mid-way, values under either key read the same
    expect(await readAll(stack)).toEqual(before);

    // further runs resume until done
    let run = first;
    for (let attempt = 0; run.status !== 'completed' && attempt < 100; attempt++) {
      run = await rotate(stack, { batchSize: 5, maxBatches: 20 });
      expect(run.status).not.toBe('failed');
    }
    expect(run.status).toBe('completed');
    for (const field of run.fields) expect(field.remaining).toBe(0);

    // raw documents: every protected value is now sealed with k2, and none is plaintext
    const client = await MongoClient.connect(stack.mongoUri);
    try {
      for (const target of PROTECTED) {
        const docs = await client
          .db(databases[target.subgraph])
          .collection(target.collection)
          .find({ [target.field]: { $exists: true, $ne: null } })
          .toArray();
        expect(docs.length).toBeGreaterThan(0);
        for (const doc of docs) {
          const stored = doc[target.field] as string;
          expect(stored).toMatch(/^enc\.v1\.k2\./);
          expect(keyIdOf(stored)).toBe('k2');
        }
        const raw = JSON.stringify(docs);
        for (const value of Object.values(before[target.collection]!)) {
          if (value) expect(raw).not.toContain(value);
        }
      }
    } finally {
      await client.close();
    }

    // the old key is retired: with k2 only, every value reads as before
    await stack.stop({ keepDatabases: true });
    stack = null;
    stack = await startTestStack({ databases, env: keysV2 });
    expect(await readAll(stack)).toEqual(before);

    const runs = await stack.query<{ keyRotationRuns: { edges: { node: { status: string } }[] } }>(
      `{ keyRotationRuns(first: 1) { edges { node { status } } } }`,
      {},
      { as: IDENTITIES.SuperAdmin },
    );
    expect(runs.errors).toBeUndefined();
    expect(runs.data!.keyRotationRuns.edges[0]!.node.status).toBe('completed');
  }, 180_000);
});
