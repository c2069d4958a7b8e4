import { randomUUID } from 'node:crypto';
import { developmentSigner, ServiceCallError, ServiceClient } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import { parseSubgraphEnv, startSubgraph } from '@casino/server';
import type { RunningSubgraph } from '@casino/server';
import { createLoyaltySubgraph, parseLoyaltySettings } from '../index';
import { memberDocument } from '../test-support/fixtures';
import { testProtectionEnv, uniqueDatabase } from '../../../../tests/support/subgraph-harness';

/** The loyalty side of the gaming contract (issue 4), over HTTP with a signed service identity. */
describe('loyalty as gaming calls it', () => {
  let running: RunningSubgraph;
  let gaming: ServiceClient;
  const definition = createLoyaltySubgraph(parseLoyaltySettings({ LOYALTY_JOBS_INTERVAL_MS: '0' }));

  beforeAll(async () => {
    const env = parseSubgraphEnv(definition, {
      ...testProtectionEnv(),
      MONGODB_URI: readProcessEnv().MONGODB_URI,
      MONGODB_DATABASE: uniqueDatabase('loyalty'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    });
    running = await startSubgraph(definition, {
      env,
      logger: createLogger({ name: 'loyalty', level: 'silent' }),
    });
    gaming = new ServiceClient({
      url: running.url,
      target: 'loyalty',
      signer: developmentSigner('gaming'),
    });
  });
  afterAll(async () => {
    await running.mongo.db.dropDatabase();
    await running.stop();
  });

  it('answers the member read and credits a session once', async () => {
    const member = memberDocument({ tier: 'Sapphire' });
    await running.mongo.db.collection('members').insertOne({ ...member });
    const read = await gaming.request<{ member: unknown }>(
      `query ($id: ID!) { member(id: $id) { id isActive selfExcluded tier } }`,
      { id: member.id },
    );
    expect(read.member).toEqual({ id: member.id, isActive: true, selfExcluded: false, tier: 'Sapphire' });
    const credit = `mutation ($input: CreditGamingSessionInput!) {
      creditGamingSession(input: $input) { memberId sessionId points tierCredits duplicate }
    }`;
    const input = {
      memberId: member.id,
      sessionId: randomUUID(),
      theo: '200.00',
      pointsRate: 1,
      endedAt: new Date().toISOString(),
    };
    const first = await gaming.request<{ creditGamingSession: unknown }>(credit, { input });
    expect(first.creditGamingSession).toMatchObject({ points: 250, tierCredits: 200, duplicate: false });
    const retry = await gaming.request<{ creditGamingSession: unknown }>(credit, { input });
    expect(retry.creditGamingSession).toMatchObject({ points: 250, tierCredits: 200, duplicate: true });
    const unknown = await gaming
      .request(credit, { input: { ...input, memberId: randomUUID() } })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ServiceCallError);
    expect((unknown as ServiceCallError).code).toBe('BAD_USER_INPUT');
  });
});
