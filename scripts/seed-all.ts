import { Faker, en } from '@faker-js/faker';
import { MongoClient } from 'mongodb';
import { DEFAULT_PROPERTY_TIME_ZONE } from '@casino/config';
import { protectorFromEnv } from '@casino/crypto';
import type { ProtectionEnv } from '@casino/crypto';
import { demoAdmins, seedCompliance } from '@casino/compliance';
import { seedGaming } from '@casino/gaming';
import type { Logger } from '@casino/logger';
import { seedLoyalty, seedLoyaltyHosts } from '@casino/loyalty';
import { seedMarketing } from '@casino/marketing';
import { seedWorkforce } from '@casino/workforce';
import type { SubgraphName } from './stack';

export interface SeedOptions {
  mongoUri: string;
  databases: Record<SubgraphName, string>;
  members: number;
  /** Every date is relative to this instant, so a run is reproducible for a given `now`. */
  now: Date;
  demoPassword: string;
  /** Data keys: the seed seals protected fields exactly as the services do. */
  protection: ProtectionEnv;
  logger: Logger;
  /** The property's IANA time zone (the stack's PROPERTY_TIME_ZONE; UTC when not given): seeded due dates, expiries and
   * exclusion ends fall on its calendar as the services compute them */
  timeZone?: string;
}

/** Each subgraph gets its own seeded faker, so its data does not shift when another seed changes. */
const FAKER_SEEDS: Record<SubgraphName, number> = {
  loyalty: 2026_01,
  gaming: 2026_02,
  workforce: 2026_03,
  marketing: 2026_04,
  compliance: 2026_05,
};

function fakerFor(name: SubgraphName, now: Date): Faker {
  const faker = new Faker({ locale: [en] });
  faker.seed(FAKER_SEEDS[name]);
  faker.setDefaultRefDate(now);
  return faker;
}

/** True when the loyalty database holds no members yet (the stack then seeds itself on start). */
export async function isEmpty(mongoUri: string, databases: Record<SubgraphName, string>): Promise<boolean> {
  const client = await MongoClient.connect(mongoUri);
  try {
    return (await client.db(databases.loyalty).collection('members').estimatedDocumentCount()) === 0;
  } finally {
    await client.close();
  }
}

/**
 * Fills every subgraph's database with demo data. Each subgraph's seed writes only its own collections;
 * what one needs from another (member ids, admin ids, staff) is handed over here.
 */
export async function seedAll(options: SeedOptions): Promise<void> {
  const { now, logger } = options;
  const timeZone = options.timeZone ?? DEFAULT_PROPERTY_TIME_ZONE;
  const protector = protectorFromEnv(options.protection);
  const client = await MongoClient.connect(options.mongoUri);
  const db = (name: SubgraphName) => client.db(options.databases[name]);
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    logger.info({ subgraph: name, ms: Date.now() - started }, 'seeded');
    return result;
  };
  try {
    const admins = demoAdmins(fakerFor('compliance', now));
    const adminIds = admins.map((a) => a.id);
    const loyalty = await timed('loyalty', () =>
      seedLoyalty(db('loyalty'), {
        faker: fakerFor('loyalty', now),
        members: options.members,
        now,
        protector,
        timeZone,
      }),
    );
    const workforce = await timed('workforce', () =>
      seedWorkforce(db('workforce'), {
        faker: fakerFor('workforce', now),
        now,
        adminIds,
        protector,
        timeZone,
      }),
    );
    // members' hosts are staff members, so they are assigned once workforce has its staff
    await timed('loyalty hosts', () => seedLoyaltyHosts(db('loyalty'), workforce.staff));
    await timed('gaming', () =>
      seedGaming(db('gaming'), { faker: fakerFor('gaming', now), now, members: loyalty.members }),
    );
    await timed('marketing', () =>
      seedMarketing(db('marketing'), {
        faker: fakerFor('marketing', now),
        now,
        members: loyalty.members,
        adminIds,
        protector,
      }),
    );
    await timed('compliance', () =>
      seedCompliance(db('compliance'), {
        faker: fakerFor('compliance', now),
        now,
        admins,
        demoPassword: options.demoPassword,
        staff: workforce.staff,
        members: loyalty.members,
      }),
    );
  } finally {
    await client.close();
  }
}

/** The default reference instant: the start of the current UTC day. */
export function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
