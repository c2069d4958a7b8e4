import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import {
  DEV_PROTECTION_ENV,
  ProtectionConfigError,
  generateKeySpec,
  keyIdOf,
  protectorFromEnv,
  resealBatch,
} from './index';

const blindKey = randomBytes(32).toString('base64');

describe('protector configuration', () => {
  it('lists every missing variable at once', () => {
    expect(() => protectorFromEnv({})).toThrow(ProtectionConfigError);
    try {
      protectorFromEnv({});
    } catch (error) {
      expect((error as ProtectionConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'DATA_ENCRYPTION_KEYS',
        'DATA_ENCRYPTION_KEY_ID',
        'BLIND_INDEX_KEY',
      ]);
    }
  });

  it('names a malformed key without printing it', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      protectorFromEnv({
        DATA_ENCRYPTION_KEYS: `k1:${short}`,
        DATA_ENCRYPTION_KEY_ID: 'k1',
        BLIND_INDEX_KEY: short,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATA_ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
    expect(message).toMatch(/BLIND_INDEX_KEY: must be 32 bytes/);
    expect(message).not.toContain(short);
  });

  it('accepts the development keys outside production only', () => {
    expect(protectorFromEnv({ ...DEV_PROTECTION_ENV, NODE_ENV: 'development' }).currentKeyId).toBe('dev1');
    expect(() => protectorFromEnv({ ...DEV_PROTECTION_ENV, NODE_ENV: 'production' })).toThrow(
      /development key/,
    );
  });
});

describe('key rotation in batches', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  afterAll(async () => {
    await client.close();
  });

  it('re-seals every value under the new key, can stop after any batch, and leaves newer writes alone', async () => {
    const db = client.db(`crypto_rotation_${randomUUID().slice(0, 8)}`);
    const k1 = generateKeySpec('k1');
    const k2 = generateKeySpec('k2');
    const before = protectorFromEnv({
      DATA_ENCRYPTION_KEYS: k1,
      DATA_ENCRYPTION_KEY_ID: 'k1',
      BLIND_INDEX_KEY: blindKey,
    });
    const after = protectorFromEnv({
      DATA_ENCRYPTION_KEYS: `${k2},${k1}`,
      DATA_ENCRYPTION_KEY_ID: 'k2',
      BLIND_INDEX_KEY: blindKey,
    });
    const field = { collection: 'people', field: 'document' };
    const docs = Array.from({ length: 25 }, (_, i) => {
      const id = `p-${i}`;
      const context = { collection: 'people', field: 'document', documentId: id };
      return { id, document: before.seal(`DOC-${i}`, context) };
    });
    // one value from before encryption was switched on: rotation seals it too
    docs.push({ id: 'p-25', document: 'DOC-25' });
    await db.collection('people').insertMany([...docs, { id: 'p-none' }]);

    const first = await resealBatch(db, field, after, 10);
    expect(first).toMatchObject({ resealed: 10, remaining: 16 });
    // A write under the new key while rotation is paused: rotation must not touch it.
    const fresh = after.seal('DOC-NEW', { collection: 'people', field: 'document', documentId: 'p-3' });
    await db.collection('people').updateOne({ id: 'p-3' }, { $set: { document: fresh } });
    let progress = first;
    while (progress.remaining > 0) progress = await resealBatch(db, field, after, 10);
    expect(progress.remaining).toBe(0);

    const rows = await db
      .collection('people')
      .find({ document: { $exists: true } })
      .toArray();
    expect(rows).toHaveLength(26);
    const onlyNew = protectorFromEnv({
      DATA_ENCRYPTION_KEYS: k2,
      DATA_ENCRYPTION_KEY_ID: 'k2',
      BLIND_INDEX_KEY: blindKey,
    });
    for (const row of rows) {
      const id = row.id as string;
      expect(keyIdOf(row.document as string)).toBe('k2');
      const expected = id === 'p-3' ? 'DOC-NEW' : `DOC-${id.slice(2)}`;
      expect(
        onlyNew.open(row.document as string, { collection: 'people', field: 'document', documentId: id }),
      ).toBe(expected);
    }
    expect(await resealBatch(db, field, after, 10)).toMatchObject({ resealed: 0, remaining: 0 });
    await db.dropDatabase();
  });
});
