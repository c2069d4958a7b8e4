import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { dropRetiredIndexes, ensureIndexes } from './client';

describe('index plans', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  afterAll(async () => {
    await client.close();
  });

  it('drops the retired indexes an older database still has, and tolerates ones it never had', async () => {
    const db = client.db(`mongo_indexes_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(db, {
      members: [
        { key: { id: 1 }, name: 'id_1', unique: true },
        { key: { nic_passport: 1 }, name: 'nic_passport_1', unique: true },
      ],
    });
    await dropRetiredIndexes(db, { members: ['nic_passport_1', 'never_there_1'], absent: ['x_1'] });
    const names = (await db.collection('members').listIndexes().toArray()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'id_1']);
    // the point of it: two documents without the old field no longer collide on the retired unique index
    await db.collection('members').insertMany([{ id: 'a' }, { id: 'b' }]);
    await db.dropDatabase();
  });
});
