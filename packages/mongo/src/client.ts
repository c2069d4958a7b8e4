import { MongoClient } from 'mongodb';
import type { Db, IndexDescription } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  /** True when the server answers a ping within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectMongo(options: {
  uri: string;
  database: string;
  appName: string;
  monitorCommands?: boolean;
}): Promise<MongoConnection> {
  const client = new MongoClient(options.uri, {
    appName: options.appName,
    monitorCommands: options.monitorCommands ?? false,
    serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  const db = client.db(options.database);
  return {
    client,
    db,
    async ping(timeoutMs = 2_000) {
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      const answer = db
        .command({ ping: 1 })
        .then((r) => r.ok === 1)
        .catch(() => false);
      return Promise.race([answer, timeout]);
    },
    close: () => client.close(),
  };
}

/** Index declarations per collection, owned by each store. */
export type IndexPlan = Record<string, IndexDescription[]>;

/**
 * Drops indexes a subgraph no longer declares (by collection and name), e.g. the unique index on a field that
 * is now stored encrypted. Missing collections or indexes are fine: the drop is for older databases.
 */
export async function dropRetiredIndexes(db: Db, retired: Record<string, readonly string[]>): Promise<void> {
  for (const [collection, names] of Object.entries(retired)) {
    const existing = await existingIndexNames(db, collection);
    for (const name of names) if (existing.has(name)) await db.collection(collection).dropIndex(name);
  }
}

/** Creates every declared index; createIndexes is a no-op for indexes that already exist with the same spec. */
export async function ensureIndexes(db: Db, plan: IndexPlan): Promise<void> {
  for (const [collection, indexes] of Object.entries(plan)) {
    if (indexes.length > 0) await db.collection(collection).createIndexes(indexes);
  }
}

/** The names of a collection's indexes; none for a collection that does not exist. */
export async function existingIndexNames(db: Db, collection: string): Promise<Set<string>> {
  const indexes = await db
    .collection(collection)
    .listIndexes()
    .toArray()
    .catch(() => []);
  return new Set(indexes.map((index) => String(index.name)));
}
