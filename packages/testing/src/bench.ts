import { performance } from 'node:perf_hooks';
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

/** Runs `run` `warmup` times untimed, then `runs` times timed; the times in milliseconds, ascending. */
export async function timeRuns(runs: number, warmup: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/** `median 1.23 ms, p99 4.56 ms, max 7.89 ms` of ascending samples. */
export const latencySummary = (sorted: number[], digits = 2): string =>
  `median ${percentile(sorted, 50).toFixed(digits)} ms, p99 ${percentile(sorted, 99).toFixed(digits)} ms, max ${sorted.at(-1)!.toFixed(digits)} ms`;

/** Where a bench ran: the embedded server, or MONGODB_URI without its credentials. */
export const mongoLabel = (scratch: { uri: string; embedded: boolean }): string =>
  scratch.embedded ? 'embedded mongo-java-server' : scratch.uri.replace(/\/\/[^@]*@/, '//');

/** Runs a bench's main: its error is printed with its stack and the process exits with 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
