/**
 * What encryption at rest costs:
 *  - loyalty `members(first: 100)` without `nicPassport`, with it masked (Supervisor: opened, then masked) and
 *    with it in full (SuperAdmin: opened and audited), as medians of interleaved runs;
 *  - key rotation throughput: values re-sealed per second by `resealBatch` over the members collection.
 * Run: pnpm bench:privacy [runs] [members]   (embedded MongoDB, or MONGODB_URI)
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Faker, en } from '@faker-js/faker';
import type { AdminIdentity } from '@casino/auth';
import { generateKeySpec, protectorFromEnv, resealBatch } from '@casino/crypto';
import { createLogger } from '@casino/logger';
import { loyaltySubgraph, seedLoyalty } from '@casino/loyalty';
import { parseSubgraphEnv } from '@casino/server';
import { IDENTITIES, percentile, startInProcessSubgraph, withScratchDatabase } from '@casino/testing';

const RUNS = Number(process.argv[2] ?? 300);
const MEMBERS = Number(process.argv[3] ?? 2_000);

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function main(): Promise<void> {
  const blind = randomBytes(32).toString('base64');
  const v1 = {
    DATA_ENCRYPTION_KEYS: generateKeySpec('v1'),
    DATA_ENCRYPTION_KEY_ID: 'v1',
    BLIND_INDEX_KEY: blind,
  };
  await withScratchDatabase('bench_privacy', async ({ mongo, uri, database }) => {
    const faker = new Faker({ locale: [en] });
    faker.seed(11);
    const protector = protectorFromEnv(v1);
    await seedLoyalty(mongo.db, {
      faker,
      members: MEMBERS,
      now: new Date('2026-11-01T00:00:00Z'),
      protector,
    });
    const logger = createLogger({ name: 'bench', level: 'silent' });
    const env = parseSubgraphEnv(loyaltySubgraph, { MONGODB_URI: uri, MONGODB_DATABASE: database, ...v1 });
    const loyalty = await startInProcessSubgraph(loyaltySubgraph, { db: mongo.db, env, logger });
    const run = (identity: AdminIdentity, extraField: string) => async () => {
      const query = `{ members(first: 100) { edges { node { id firstName lastName tier ${extraField} } } } }`;
      const started = performance.now();
      await loyalty.data(query, undefined, identity);
      return performance.now() - started;
    };
    const cases = {
      'not selected': run(IDENTITIES.SuperAdmin, ''),
      'plain field instead': run(IDENTITIES.SuperAdmin, 'email'),
      'masked (Supervisor)': run(IDENTITIES.Supervisor, 'nicPassport'),
      'decrypted (SuperAdmin)': run(IDENTITIES.SuperAdmin, 'nicPassport'),
    };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < 50; i++) for (const work of Object.values(cases)) await work();
    for (let i = 0; i < RUNS; i++) {
      for (const [name, work] of Object.entries(cases)) samples[name]!.push(await work());
    }
    await loyalty.stop();

    const stored = await mongo.db
      .collection('members')
      .find({}, { projection: { _id: 0, id: 1, nic_passport: 1 }, limit: 1000 })
      .toArray();
    const openStarted = performance.now();
    for (const row of stored) {
      protector.open(row.nic_passport as string, {
        collection: 'members',
        field: 'nic_passport',
        documentId: row.id as string,
      });
    }
    const perOpen = ((performance.now() - openStarted) / stored.length) * 1000;

    const rotated = protectorFromEnv({
      DATA_ENCRYPTION_KEYS: `${generateKeySpec('v2')},${v1.DATA_ENCRYPTION_KEYS}`,
      DATA_ENCRYPTION_KEY_ID: 'v2',
      BLIND_INDEX_KEY: blind,
    });
    const field = { collection: 'members', field: 'nic_passport' };
    const rotationStarted = performance.now();
    let resealed = 0;
    let batches = 0;
    for (;;) {
      const progress = await resealBatch(mongo.db, field, rotated, 200);
      resealed += progress.resealed;
      batches += 1;
      if (progress.remaining === 0) break;
    }
    const seconds = (performance.now() - rotationStarted) / 1000;

    const base = median(samples['not selected']!);
    const lines = [
      `loyalty members(first: 100), ${MEMBERS} members, ${RUNS} interleaved runs each (median):`,
      ...Object.entries(samples).map(
        ([name, values]) =>
          `  ${name.padEnd(24)} ${median(values).toFixed(3)} ms  (+${(median(values) - base).toFixed(3)} ms)`,
      ),
      `one AES-256-GCM open: ${perOpen.toFixed(1)} µs (mean over ${stored.length} values)`,
      `key rotation: ${resealed} values re-sealed in ${batches} batches of 200 in ${seconds.toFixed(2)} s = ${Math.round(resealed / seconds)} fields/s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
