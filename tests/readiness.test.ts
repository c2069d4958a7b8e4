import { startEmbeddedMongo } from '@casino/embedded-mongo';
import type { EmbeddedMongo } from '@casino/embedded-mongo';
import { startStack } from '../scripts/stack';
import { testProtectionEnv } from '@casino/testing';
import type { Stack } from '../scripts/stack';

/** Its own MongoDB, so this test can take it away without disturbing the other test files. */
describe('readiness follows MongoDB', () => {
  let mongo: EmbeddedMongo;
  let stack: Stack;

  beforeAll(async () => {
    mongo = await startEmbeddedMongo();
    stack = await startStack({
      mongoUri: mongo.uri,
      ports: { gateway: 0, loyalty: 0, gaming: 0, workforce: 0, marketing: 0, compliance: 0 },
      host: '127.0.0.1',
      logLevel: 'silent',
      nodeEnv: 'test',
      env: testProtectionEnv(),
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await mongo?.stop();
  });

  const status = async (url: string, path: string) => (await fetch(new URL(path, url))).status;

  it("keeps the gateway ready while one subgraph is down: only that subgraph's fields fail", async () => {
    await stack.stopSubgraph('gaming');
    try {
      expect(await status(stack.subgraphs.loyalty.url, '/ready')).toBe(200);
      expect(await status(stack.gateway.url, '/ready')).toBe(200);
    } finally {
      await stack.startSubgraphAgain('gaming');
    }
  }, 30_000);

  it('is ready while MongoDB answers, and only alive once it is gone', async () => {
    expect(await status(stack.subgraphs.loyalty.url, '/ready')).toBe(200);
    expect(await status(stack.gateway.url, '/ready')).toBe(200);

    await mongo.stop();

    expect(await status(stack.subgraphs.loyalty.url, '/ready')).toBe(503);
    expect(await status(stack.gateway.url, '/ready')).toBe(503);
    expect(await status(stack.subgraphs.loyalty.url, '/health')).toBe(200);
    expect(await status(stack.gateway.url, '/health')).toBe(200);
  }, 30_000);
});
