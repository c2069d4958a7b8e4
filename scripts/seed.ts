import { parseArgs } from 'node:util';
import { exitOnConfigError } from '@casino/config';
import { startEmbeddedMongo } from '@casino/embedded-mongo';
import type { EmbeddedMongo } from '@casino/embedded-mongo';
import { createLogger } from '@casino/logger';
import { MongoClient } from 'mongodb';
import { parseStackEnv, protectionEnvOf } from './env';
import type { StackEnv } from './env';
import { isEmpty, seedAll, startOfTodayUtc } from './seed-all';
import { defaultDatabases } from './stack';

const USAGE = `Usage: pnpm seed [--members N] [--now ISO-DATE] [--reset] [--if-empty]
  --members N   number of members to create (default SEED_MEMBERS, 300); the rest scales with it
  --now DATE    reference instant for every generated date (default: start of today, UTC)
  --reset       drop the five databases first
  --if-empty    do nothing when members already exist`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      members: { type: 'string' },
      now: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'if-empty': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let env: StackEnv;
  try {
    env = parseStackEnv();
  } catch (error) {
    exitOnConfigError(error);
  }
  const members = values.members === undefined ? env.SEED_MEMBERS : Number(values.members);
  if (!Number.isInteger(members) || members < 1)
    throw new Error(`--members must be a positive integer\n${USAGE}`);
  const now = values.now ? new Date(values.now) : startOfTodayUtc();
  if (Number.isNaN(now.getTime())) throw new Error(`--now is not a date\n${USAGE}`);

  const logger = createLogger({ name: 'seed', level: env.LOG_LEVEL });
  let embedded: EmbeddedMongo | null = null;
  let mongoUri = env.MONGODB_URI;
  if (!mongoUri) {
    embedded = await startEmbeddedMongo({ dataDir: env.EMBEDDED_MONGO_DATA_DIR });
    mongoUri = embedded.uri;
  }
  try {
    const databases = defaultDatabases(env.DATABASE_PREFIX);
    if (values.reset) {
      const client = await MongoClient.connect(mongoUri);
      for (const name of Object.values(databases)) await client.db(name).dropDatabase();
      await client.close();
    }
    if (values['if-empty'] && !(await isEmpty(mongoUri, databases))) {
      logger.info('members exist already; nothing seeded');
      return;
    }
    const started = Date.now();
    await seedAll({
      mongoUri,
      databases,
      members,
      now,
      demoPassword: env.DEMO_PASSWORD,
      protection: protectionEnvOf(env),
      logger,
      timeZone: env.PROPERTY_TIME_ZONE,
    });
    logger.info({ members, ms: Date.now() - started }, 'demo data ready');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
