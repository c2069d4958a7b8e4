import { readProcessEnv } from '@casino/config';
import { startEmbeddedMongo } from '@casino/embedded-mongo';
import { connectMongo } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';

/** The p-th percentile (nearest rank) of ascending samples. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/**
 * Runs a benchmark in a fresh database, on MONGODB_URI or else on an embedded mongo-java-server started for the
 * run, and drops the database afterwards.
 */
export async function withScratchDatabase<T>(
  prefix: string,
  work: (scratch: { mongo: MongoConnection; uri: string; database: string; embedded: boolean }) => Promise<T>,
): Promise<T> {
  const embedded = readProcessEnv().MONGODB_URI ? null : await startEmbeddedMongo();
  const uri = readProcessEnv().MONGODB_URI ?? embedded!.uri;
  const database = `${prefix}_${Date.now()}`;
  const mongo = await connectMongo({ uri, database, appName: 'bench' });
  try {
    return await work({ mongo, uri, database, embedded: embedded !== null });
  } finally {
    await mongo.db.dropDatabase();
    await mongo.close();
    await embedded?.stop();
  }
}
