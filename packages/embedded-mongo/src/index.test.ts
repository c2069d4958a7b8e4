import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from './index';

/** Runs `use` with a fresh data directory, removed afterwards. */
async function withDataDir(use: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'casino-h2-'));
  try {
    await use(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts a server on `dataDir` and stores the document { id: 'kept', value } through a client left open. */
async function startAndWrite(dataDir: string, value: number) {
  const first = await startEmbeddedMongo({ dataDir });
  const writer = await MongoClient.connect(first.uri);
  await writer.db('persist').collection('things').insertOne({ id: 'kept', value });
  return { first, writer };
}

/** Starts a new server on `dataDir` and reads the 'kept' document back. */
async function keptAfterRestart(dataDir: string) {
  const second = await startEmbeddedMongo({ dataDir });
  const reader = await MongoClient.connect(second.uri);
  const doc = await reader.db('persist').collection('things').findOne({ id: 'kept' });
  await reader.close();
  await second.stop();
  return doc;
}

describe('embedded MongoDB (mongo-java-server)', () => {
  it('keeps on-disk data across a restart', async () => {
    await withDataDir(async (dataDir) => {
      const { first, writer } = await startAndWrite(dataDir, 42);
      await writer.close();
      await first.stop();

      const doc = await keptAfterRestart(dataDir);
      expect(doc?.value).toBe(42);
    });
  }, 120_000);

  it('keeps on-disk writes when the process is killed without a shutdown (committed within a second)', async () => {
    await withDataDir(async (dataDir) => {
      const { first, writer } = await startAndWrite(dataDir, 7);
      // H2 commits written pages in the background within its one-second auto-commit delay
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      process.kill(first.pid, 'SIGKILL');
      await writer.close(true);
      await first.stop();

      const doc = await keptAfterRestart(dataDir);
      expect(doc?.value).toBe(7);
    });
  }, 120_000);

  it('starts in memory on a free port when no data directory is given', async () => {
    const server = await startEmbeddedMongo();
    try {
      expect(server.port).toBeGreaterThan(0);
      const client = await MongoClient.connect(server.uri);
      const reply = await client.db('admin').command({ ping: 1 });
      await client.close();
      expect(reply.ok).toBe(1);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
