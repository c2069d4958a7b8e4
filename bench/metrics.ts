/**
 * What the Prometheus metrics add to a request: two one-process stacks on the same MongoDB, one with
 * METRICS_ENABLED=true (request timing, subgraph fetch timing, MongoDB command monitoring) and one with
 * METRICS_ENABLED=false, the same small query through each gateway over HTTP, runs interleaved; the medians,
 * the 95th percentiles and their difference are printed. Both stacks share the process, so the default process
 * collectors of the first run for both: what is measured is the per-request work.
 *
 *   pnpm bench:metrics [iterations]
 */
import { readProcessEnv } from '@casino/config';
import { startEmbeddedMongo } from '@casino/embedded-mongo';
import { SUBGRAPH_NAMES, startStack } from '../scripts/stack';
import type { Stack, SubgraphName } from '../scripts/stack';
import { IDENTITIES, tokenFor } from '@casino/testing';
import { testProtectionEnv, uniqueDatabase } from '@casino/testing';
import { percentile } from '@casino/testing';

const iterations = Number(process.argv[2] ?? 2_000);
const SMALL = 'query MemberCount { members(first: 1) { totalCount } }';

async function stackWith(mongoUri: string, metrics: boolean): Promise<Stack> {
  const databases = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, uniqueDatabase(n)])) as Record<
    SubgraphName,
    string
  >;
  return startStack({
    mongoUri,
    databases,
    ports: { gateway: 0, loyalty: 0, gaming: 0, workforce: 0, marketing: 0, compliance: 0 },
    host: '127.0.0.1',
    logLevel: 'silent',
    nodeEnv: 'test',
    // the rate limits would stop a benchmark from one user and one address
    env: {
      ...testProtectionEnv(),
      METRICS_ENABLED: String(metrics),
      RATE_LIMIT_PER_USER: '100000000',
      RATE_LIMIT_PER_IP: '100000000',
    },
  });
}

async function main(): Promise<void> {
  const embedded = readProcessEnv().MONGODB_URI ? null : await startEmbeddedMongo();
  const mongoUri = readProcessEnv().MONGODB_URI ?? embedded!.uri;
  const on = await stackWith(mongoUri, true);
  const off = await stackWith(mongoUri, false);
  const token = await tokenFor(IDENTITIES.Supervisor);
  const body = JSON.stringify({ query: SMALL });
  const once = async (stack: Stack): Promise<number> => {
    const started = process.hrtime.bigint();
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const answer = (await response.json()) as { errors?: unknown[] };
    if (answer.errors) throw new Error(`the query failed: ${JSON.stringify(answer.errors)}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  try {
    for (let i = 0; i < 200; i++) await Promise.all([once(on), once(off)]);
    const samples = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      // alternate which goes first so neither always runs on a warmer process
      if (i % 2 === 0) {
        samples.on.push(await once(on));
        samples.off.push(await once(off));
      } else {
        samples.off.push(await once(off));
        samples.on.push(await once(on));
      }
    }
    const on50 = percentile(
      samples.on.sort((a, b) => a - b),
      50,
    );
    const off50 = percentile(
      samples.off.sort((a, b) => a - b),
      50,
    );
    const on95 = percentile(samples.on, 95);
    const off95 = percentile(samples.off, 95);
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    console.log(`${iterations} runs each of ${SMALL}`);
    console.log(`metrics off: median ${ms(off50)}, p95 ${ms(off95)}`);
    console.log(`metrics on:  median ${ms(on50)}, p95 ${ms(on95)}`);
    console.log(
      `difference: median ${ms(on50 - off50)} (${(((on50 - off50) / off50) * 100).toFixed(1)}%), p95 ${ms(on95 - off95)}`,
    );
  } finally {
    await on.stop();
    await off.stop();
    await embedded?.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
