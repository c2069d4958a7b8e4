import { randomUUID } from 'node:crypto';
import { developmentSigner, ServiceCallError, ServiceClient } from '@casino/auth';
import { startTestGaming } from '@casino/gaming/testing';
import type { TestGaming } from '@casino/gaming/testing';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import { parseSubgraphEnv, startSubgraph } from '@casino/server';
import type { RunningSubgraph } from '@casino/server';
import { CreditGamingSessionDocument, GamingMemberCheckDocument } from '../__generated__/operations';
import { createLoyaltySubgraph, parseLoyaltySettings } from '../index';
import { memberDocument } from '../testing/fixtures';
import { testProtectionEnv, uniqueDatabase } from '@casino/testing';

/**
 * The loyalty side of the gaming contract (issue 4), over HTTP with a signed service identity; loyalty checks
 * each credit with the real gaming subgraph, over HTTP too.
 */
describe('loyalty as gaming calls it', () => {
  let running: RunningSubgraph;
  let gaming: ServiceClient;
  let realGaming: TestGaming;
  const definition = createLoyaltySubgraph(parseLoyaltySettings({ LOYALTY_JOBS_INTERVAL_MS: '0' }));

  beforeAll(async () => {
    realGaming = await startTestGaming();
    const env = parseSubgraphEnv(definition, {
      GAMING_URL: realGaming.url,
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
    await realGaming.stop();
  });

  it('answers the member read and credits a session once', async () => {
    const member = memberDocument({ tier: 'Sapphire' });
    await running.mongo.db.collection('members').insertOne({ ...member });
    const read = await gaming.request(GamingMemberCheckDocument, { id: member.id });
    expect(read.member).toEqual({ id: member.id, isActive: true, selfExcluded: false, tier: 'Sapphire' });
    const credit = CreditGamingSessionDocument;
    const session = await realGaming.addSession({ memberId: member.id, theo: '200.00', pointsRate: 1 });
    const input = {
      memberId: member.id,
      sessionId: session.id,
      theo: '200.00',
      pointsRate: 1,
      endedAt: session.session_end!.toISOString(),
    };
    const first = await gaming.request(credit, { input });
    expect(first.creditGamingSession).toMatchObject({ points: 250, tierCredits: 200, duplicate: false });
    const retry = await gaming.request(credit, { input });
    expect(retry.creditGamingSession).toMatchObject({ points: 250, tierCredits: 200, duplicate: true });
    // a credit gaming does not vouch for (here: a session gaming never had) is refused
    const forged = await gaming
      .request(credit, { input: { ...input, sessionId: randomUUID() } })
      .catch((error: unknown) => error);
    expect(forged).toBeInstanceOf(ServiceCallError);
    expect((forged as ServiceCallError).code).toBe('FORBIDDEN');
    // a session gaming holds for a member loyalty does not know names the member
    const stranger = randomUUID();
    const strangers = await realGaming.addSession({ memberId: stranger, theo: '10.00' });
    const unknown = await gaming
      .request(credit, {
        input: {
          ...input,
          memberId: stranger,
          sessionId: strangers.id,
          theo: '10.00',
          endedAt: strangers.session_end!.toISOString(),
        },
      })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ServiceCallError);
    expect((unknown as ServiceCallError).code).toBe('BAD_USER_INPUT');
  });
});
