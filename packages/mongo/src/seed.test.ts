import type { Db } from 'mongodb';
import { insertInBatches } from './seed';

function recordingDb(): {
  db: Pick<Db, 'collection'>;
  calls: { collection: string; ids: number[]; ordered: unknown }[];
} {
  const calls: { collection: string; ids: number[]; ordered: unknown }[] = [];
  const db = {
    collection: (collection: string) => ({
      insertMany: async (docs: { id: number }[], options: { ordered?: boolean }) => {
        calls.push({ collection, ids: docs.map((d) => d.id), ordered: options.ordered });
        return { acknowledged: true, insertedCount: docs.length };
      },
    }),
  } as unknown as Pick<Db, 'collection'>;
  return { db, calls };
}

describe('insertInBatches', () => {
  it('writes every document once, in order, in unordered batches of the given size', async () => {
    const { db, calls } = recordingDb();
    await insertInBatches(
      db,
      'members',
      [1, 2, 3, 4, 5].map((id) => ({ id })),
      2,
    );
    expect(calls).toEqual([
      { collection: 'members', ids: [1, 2], ordered: false },
      { collection: 'members', ids: [3, 4], ordered: false },
      { collection: 'members', ids: [5], ordered: false },
    ]);
  });

  it('writes nothing for no documents', async () => {
    const { db, calls } = recordingDb();
    await insertInBatches(db, 'members', []);
    expect(calls).toEqual([]);
  });
});
