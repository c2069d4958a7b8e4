import { disableApolloTelemetryByDefault, exitOnConfigError, readProcessEnv } from '@casino/config';
import { EmbeddedMongoUnavailableError, startEmbeddedMongo } from '@casino/embedded-mongo';
import type { EmbeddedMongo } from '@casino/embedded-mongo';
import { assertNoDemoPasswords } from '@casino/compliance';
import { createLogger } from '@casino/logger';
import { MongoClient } from 'mongodb';
import { parseStackEnv, protectionEnvOf } from './env';
import type { StackEnv } from './env';
import { isEmpty, seedAll, startOfTodayUtc } from './seed-all';
import { defaultDatabases, startStack } from './stack';

/**
 * `pnpm start`: the whole supergraph in one command. Without MONGODB_URI it launches the embedded
 * mongo-java-server on disk; an empty database is seeded with demo data; then the five subgraphs (4001-4005)
 * and the gateway (4000) start, and everything stops together on Ctrl-C.
 *
 * On disk rather than in memory: with the store's page cache holding the data, the dashboards and the member
 * pages answer about as fast as from memory once each collection has been read (`pnpm bench:embedded`), every
 * write is on disk within about a second (a crash or a killed terminal loses nothing older). Opening an
 * existing store takes seconds at the 10,000-member demo (its unique indexes are rebuilt, which also fills the
 * cache); an in-memory store would have to reload everything from a snapshot instead, and lose what was
 * written since the last one.
 */
async function main(): Promise<void> {
  const started = Date.now();
  // before the gateway is built (ApolloGateway's constructor reads it): no usage telemetry unless opted in
  disableApolloTelemetryByDefault();
  let env: StackEnv;
  try {
    env = parseStackEnv();
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ name: 'stack', level: env.LOG_LEVEL });
  let embedded: EmbeddedMongo | null = null;
  let mongoUri = env.MONGODB_URI;
  if (!mongoUri) {
    const opening = Date.now();
    try {
      embedded = await startEmbeddedMongo({ dataDir: env.EMBEDDED_MONGO_DATA_DIR });
    } catch (error) {
      if (error instanceof EmbeddedMongoUnavailableError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
    mongoUri = embedded.uri;
    // opening an existing store rebuilds its unique indexes: seconds at the 10,000-member demo
    logger.info(
      { dataDir: env.EMBEDDED_MONGO_DATA_DIR, port: embedded.port, ms: Date.now() - opening },
      'embedded MongoDB started',
    );
  }

  const databases = defaultDatabases(env.DATABASE_PREFIX);
  if (await isEmpty(mongoUri, databases)) {
    logger.info({ members: env.SEED_MEMBERS }, 'empty database: seeding demo data');
    await seedAll({
      mongoUri,
      databases,
      members: env.SEED_MEMBERS,
      now: startOfTodayUtc(),
      demoPassword: env.DEMO_PASSWORD,
      protection: protectionEnvOf(env),
      logger,
      timeZone: env.PROPERTY_TIME_ZONE,
    });
  }

  if (env.NODE_ENV === 'production') {
    // a production stack must not start while any admin can still sign in with the public demo password
    const client = await MongoClient.connect(mongoUri);
    try {
      await assertNoDemoPasswords(client.db(databases.compliance), env.DEMO_PASSWORD);
    } finally {
      await client.close();
    }
  }

  const stack = await startStack({
    mongoUri,
    databases,
    host: env.HOST,
    ephemeralKeys: true,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    // every service's own settings (CORS_ORIGINS, REDIS_URL, PERSISTED_QUERIES, ...) from the environment; the
    // stack sets what it owns itself (ports, hosts, databases, keys)
    env: { ...readProcessEnv(), ...protectionEnvOf(env) },
  });
  logger.info(
    { url: 'http://localhost:4000/graphql', startupMs: Date.now() - started },
    'gateway ready: http://localhost:4000/graphql (Apollo Sandbox at http://localhost:4000/)',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    // a second Ctrl-C does not wait for the requests in flight
    if (stopping) process.exit(1);
    stopping = true;
    // the gateway drains first (its in-flight requests still need the subgraphs), then the subgraphs, each
    // answering /ready 503 and finishing its requests within SHUTDOWN_GRACE_MS
    logger.info({ signal }, 'stopping');
    await stack.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
