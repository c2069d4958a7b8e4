/**
 * Added latency of identity and authorization per request, as medians of many runs:
 *  - the per-request credential (gateway -> subgraph): sign at the gateway, then verify at the subgraph with
 *    its body hash and one-time-id check (in memory, and in Redis when REDIS_URL is set),
 *  - verifying an access token at the gateway,
 *  - graphql-shield (with the audit middleware) on a real subgraph operation, against the same subgraph
 *    schema without them.
 * Run: pnpm bench:auth   (uses the embedded MongoDB, or MONGODB_URI)
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { Faker, en } from '@faker-js/faker';
import { createRequestAudit } from '@casino/audit';
import {
  AccessTokenVerifier,
  MemoryReplayGuard,
  RedisReplayGuard,
  connectRedis,
  developmentSigner,
  issueAccessToken,
  parsePublicKeys,
  devPublicKeysSpec,
  signRequestCredential,
  verifyAccessToken,
  verifyRequestCredential,
  developmentTokenSettings,
} from '@casino/auth';
import type { ReplayGuard } from '@casino/auth';
import type { AdminIdentity } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { generateKeySpec, protectorFromEnv } from '@casino/crypto';
import { snakeCaseFieldResolver } from '@casino/graphql';
import { createLogger } from '@casino/logger';
import { loyaltySubgraph, seedLoyalty } from '@casino/loyalty';
import {
  createServiceClients,
  createSubgraphApollo,
  createSubgraphServices,
  parseSubgraphEnv,
} from '@casino/server';
import { percentile, withScratchDatabase } from '@casino/testing';

const RUNS = Number(process.argv[2] ?? 500);
const identity: AdminIdentity = {
  kind: 'admin',
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'supervisor',
  role: 'Supervisor',
  department: 'Gaming',
  permissions: [],
};

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

async function timeEach(runs: number, work: () => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  // a typical planned subgraph request body
  const body = JSON.stringify({
    query:
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Member{id tier}}}',
    variables: {
      representations: Array.from({ length: 20 }, (_, i) => ({ __typename: 'Member', id: `m${i}` })),
    },
  });
  const signer = developmentSigner('gateway');
  const keys = parsePublicKeys(devPublicKeysSpec());
  const credentialRound = (replay: ReplayGuard) => async () => {
    const token = await signRequestCredential(signer, {
      identity,
      audience: 'loyalty',
      body,
      ip: '10.0.0.7',
    });
    await verifyRequestCredential({ audience: 'loyalty', keys, maxTtlSeconds: 30, replay }, token, body);
  };
  const memory = new MemoryReplayGuard();
  await timeEach(1000, credentialRound(memory));
  const credential = await timeEach(20_000, credentialRound(memory));
  const redisUrl = readProcessEnv().REDIS_URL;
  let credentialRedis: number[] | null = null;
  if (redisUrl) {
    const redis = connectRedis(redisUrl);
    const shared = new RedisReplayGuard(redis);
    await timeEach(1000, credentialRound(shared));
    credentialRedis = await timeEach(10_000, credentialRound(shared));
    await redis.quit();
  }

  const tokenSettings = developmentTokenSettings();
  const { token } = await issueAccessToken(identity, tokenSettings);
  await timeEach(500, () => verifyAccessToken(token, tokenSettings));
  const jwt = await timeEach(5_000, () => verifyAccessToken(token, tokenSettings));
  const remembered = new AccessTokenVerifier(tokenSettings);
  await remembered.verify(token);
  const jwtRemembered = await timeEach(20_000, () => remembered.verify(token));

  await withScratchDatabase('bench_auth', async ({ mongo, uri, database }) => {
    const faker = new Faker({ locale: [en] });
    faker.seed(7);
    const keys = {
      DATA_ENCRYPTION_KEYS: generateKeySpec('bench'),
      DATA_ENCRYPTION_KEY_ID: 'bench',
      BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    };
    const protector = protectorFromEnv(keys);
    await seedLoyalty(mongo.db, { faker, members: 50, now: new Date('2026-11-01T00:00:00Z'), protector });
    const logger = createLogger({ name: 'bench', level: 'silent' });
    const env = parseSubgraphEnv(loyaltySubgraph, { MONGODB_URI: uri, MONGODB_DATABASE: database, ...keys });
    const deps = {
      db: mongo.db,
      env,
      logger,
      paging: { defaultSize: 20, maxSize: 200 },
      services: createServiceClients('loyalty', env),
      protector,
    };
    const services = createSubgraphServices(loyaltySubgraph, deps);
    const secured = createSubgraphApollo({ ...loyaltySubgraph, logger });
    const bare = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: loyaltySubgraph.typeDefs,
        resolvers: loyaltySubgraph.resolvers as GraphQLResolverMap<unknown>,
      }),
      fieldResolver: snakeCaseFieldResolver,
      logger,
    });
    await Promise.all([secured.start(), bare.start()]);
    const query =
      '{ members(first: 20) { edges { node { id firstName lastName tier pointsBalance nicPassport } } } }';
    const run = (server: ApolloServer<never>) => async () => {
      const base = { requestId: 'b', clientName: null, ip: null, log: logger, identity };
      const audit = createRequestAudit({ ...base, service: 'loyalty' }, () => undefined);
      const response = await server.executeOperation(
        { query },
        { contextValue: loyaltySubgraph.createContext({ ...base, audit }, services) as never },
      );
      if (response.body.kind !== 'single' || response.body.singleResult.errors)
        throw new Error('bench query failed');
    };
    await timeEach(100, run(secured as never));
    await timeEach(100, run(bare as never));
    const withShield: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      withShield.push(...(await timeEach(1, run(secured as never))));
      without.push(...(await timeEach(1, run(bare as never))));
    }
    await Promise.all([secured.stop(), bare.stop()]);

    const lines = [
      `request credential sign + verify + one-time id (memory): median ${fmt(median(credential))} (20,000 runs)`,
      credentialRedis
        ? `request credential sign + verify + one-time id (Redis): median ${fmt(median(credentialRedis))} (10,000 runs)`
        : 'request credential with Redis: set REDIS_URL to measure',
      `access token verify, first time: median ${fmt(median(jwt))} (5,000 runs)`,
      `access token verify, already verified (the gateway's usual case): median ${fmt(median(jwtRemembered))} (20,000 runs)`,
      `loyalty members(first: 20), 7 fields x 20 nodes, ${RUNS} interleaved runs each:`,
      `  with shield + audit middleware: median ${median(withShield).toFixed(3)} ms`,
      `  without:                        median ${median(without).toFixed(3)} ms`,
      `  added by shield:                ${(median(withShield) - median(without)).toFixed(3)} ms per request`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
