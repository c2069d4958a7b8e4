import { parseArgs } from 'node:util';
import type { BaseContext } from '@apollo/server';
import { Faker, en } from '@faker-js/faker';
import type { ServiceClient } from '@casino/auth';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { createLogger } from '@casino/logger';
import type { MongoConnection } from '@casino/mongo';
import { parseSubgraphEnv } from '@casino/server';
import type { RequestBase, ServiceName, SubgraphDefinition } from '@casino/server';
import { startInProcessSubgraph } from './in-process-subgraph';
import type { InProcessSubgraph } from './in-process-subgraph';

/**
 * A subgraph bench's command line (parseArgs): `--<name> <n>` for each of `integers`, a whole number of at least 1
 * that defaults to the value given, and a `--<name>` switch for each of `flags`.
 */
export function benchOptions<K extends string, F extends string = never>(
  integers: Record<K, number>,
  flags: readonly F[] = [],
): Record<K, number> & Record<F, boolean> {
  const names = Object.keys(integers) as K[];
  const values: Record<string, unknown> = parseArgs({
    options: Object.fromEntries([
      ...names.map((name) => [name, { type: 'string', default: String(integers[name]) }] as const),
      ...flags.map((name) => [name, { type: 'boolean', default: false }] as const),
    ]),
  }).values;
  const options: Record<string, number | boolean> = {};
  for (const name of names) {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    options[name] = n;
  }
  for (const name of flags) options[name] = values[name] === true;
  return options as Record<K, number> & Record<F, boolean>;
}

/**
 * A faker seeded with one of scripts/seed-all's seeds and dated from its `now`, so that a subgraph's seed writes
 * the data `pnpm seed` writes.
 */
export function seededFaker(seed: number, now: Date): Faker {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  faker.setDefaultRefDate(now);
  return faker;
}

/**
 * A subgraph in this process on a bench's scratch database (withScratchDatabase), with the development data keys
 * the benches seed with, logging nothing, and computing its dashboard on every run (DASHBOARD_CACHE_TTL_SECONDS=0):
 * a dashboard bench measures the computation, not the dashboard cache.
 */
export function startDashboardBenchSubgraph<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  scratch: { mongo: MongoConnection; uri: string; database: string },
  options: {
    env?: Record<string, string>;
    services?: Partial<Record<ServiceName, ServiceClient>>;
  } = {},
): Promise<InProcessSubgraph> {
  const env = parseSubgraphEnv(definition, {
    ...DEV_PROTECTION_ENV,
    ...options.env,
    MONGODB_URI: scratch.uri,
    MONGODB_DATABASE: scratch.database,
    DASHBOARD_CACHE_TTL_SECONDS: '0',
  });
  const logger = createLogger({ name: 'bench', level: 'silent' });
  return startInProcessSubgraph(definition, {
    db: scratch.mongo.db,
    env,
    logger,
    services: options.services,
  });
}
