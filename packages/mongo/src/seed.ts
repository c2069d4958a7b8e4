import type { Db } from 'mongodb';

/** How many documents a seed writes per insertMany: large enough to be quick, small enough for one message. */
export const SEED_INSERT_BATCH = 1_000;

/** Writes demo documents in unordered batches (seeds only: a store owns every collection at run time). */
export async function insertInBatches<T extends object>(
  db: Pick<Db, 'collection'>,
  collection: string,
  docs: readonly T[],
  batchSize = SEED_INSERT_BATCH,
): Promise<void> {
  for (let i = 0; i < docs.length; i += batchSize) {
    await db.collection(collection).insertMany(docs.slice(i, i + batchSize) as never[], { ordered: false });
  }
}
