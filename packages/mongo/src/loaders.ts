import DataLoader from 'dataloader';

/**
 * Dispatch a batch on the next macrotask rather than after the current promise jobs: graphql-shield awaits
 * its rules before each resolver, which spreads one level's loads over several microtask turns, and they
 * must still land in one batch.
 */
export const BATCH_OPTIONS = { batchScheduleFn: (dispatch: () => void) => setImmediate(dispatch) } as const;
import type { Collection, Document, Filter, Sort } from 'mongodb';

/**
 * One document per key, fetched with a single `$in` query per batch. Results come back in key order with
 * null for a missing key, as DataLoader requires.
 */
export function createOneByKeyLoader<T extends Document>(
  collection: Collection<T>,
  key: string,
  extraFilter: Filter<T> = {},
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const docs = await collection
      .find({ ...extraFilter, [key]: { $in: [...keys] } } as Filter<T>, { projection: { _id: 0 } })
      .toArray();
    const byKey = new Map(docs.map((doc) => [String((doc as Document)[key]), doc as T]));
    return keys.map((k) => byKey.get(k) ?? null);
  }, BATCH_OPTIONS);
}

/**
 * All documents sharing a key value (for instance the sessions of each member), one query per batch, in the
 * given sort order, keeping at most `perKeyLimit` per key.
 */
export function createManyByKeyLoader<T extends Document>(
  collection: Collection<T>,
  key: string,
  options: { sort?: Sort; perKeyLimit?: number; filter?: Filter<T> } = {},
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const cursor = collection.find({ ...options.filter, [key]: { $in: [...keys] } } as Filter<T>, {
      projection: { _id: 0 },
    });
    if (options.sort) cursor.sort(options.sort);
    const grouped = new Map<string, T[]>(keys.map((k) => [k, []]));
    for await (const doc of cursor) {
      const list = grouped.get(String((doc as Document)[key]));
      if (list && (options.perKeyLimit === undefined || list.length < options.perKeyLimit))
        list.push(doc as T);
    }
    return keys.map((k) => grouped.get(k)!);
  }, BATCH_OPTIONS);
}
