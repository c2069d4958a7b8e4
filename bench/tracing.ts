/**
 * What OpenTelemetry tracing adds to a request: two one-process stacks on the same seeded MongoDB, each in a
 * process of its own (the trace context manager is process-wide, so one process cannot hold a stack with
 * tracing off beside one with it on), one with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver
 * run by this script, one without. The same cross-subgraph query (loyalty's members, gaming's play stats)
 * goes through each gateway over HTTP with a client traceparent, runs interleaved; the medians, the 95th
 * percentiles, their difference and the spans exported per request are printed.
 *
 *   pnpm bench:tracing [iterations]
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { readProcessEnv } from '@casino/config';
import { startEmbeddedMongo } from '@casino/embedded-mongo';
import { createLogger } from '@casino/logger';
import { MongoClient } from 'mongodb';
import { seedAll } from '../scripts/seed-all';
import { SUBGRAPH_NAMES, startStack } from '../scripts/stack';
import type { SubgraphName } from '../scripts/stack';
import { IDENTITIES, SEED_NOW, tokenFor } from '@casino/testing';
import { startOtlpReceiver } from '@casino/testing';
import { testProtectionEnv, uniqueDatabase } from '@casino/testing';
import { percentile } from '@casino/testing';

/** A loyalty-only query, and one that also fetches from gaming (two subgraph fetches). */
const CASES = [
  { name: 'MemberCount (loyalty)', query: 'query MemberCount { members(first: 1) { totalCount } }' },
  {
    name: 'DashboardMembers (loyalty, then gaming)',
    query: `query DashboardMembers {
  members(first: 2) { edges { node { memberNumber tier playStats { sessionCount } } } }
}`,
  },
];

interface ServeOptions {
  mongoUri: string;
  databases: Record<SubgraphName, string>;
  protection: Record<string, string>;
  /** The OTLP endpoint, or null for the stack without tracing */
  otlp: string | null;
}

/** A child process: one stack, its gateway URL on stdout, stopped (flushing its spans) on SIGTERM. */
async function serve(options: ServeOptions): Promise<void> {
  const stack = await startStack({
    mongoUri: options.mongoUri,
    databases: options.databases,
    ports: { gateway: 0, loyalty: 0, gaming: 0, workforce: 0, marketing: 0, compliance: 0 },
    host: '127.0.0.1',
    logLevel: 'silent',
    nodeEnv: 'test',
    env: {
      ...options.protection,
      ...(options.otlp ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlp } : {}),
      // the rate limits would stop a benchmark from one user and one address
      RATE_LIMIT_PER_USER: '100000000',
      RATE_LIMIT_PER_IP: '100000000',
    },
  });
  process.stdout.write(`${JSON.stringify({ url: stack.gateway.url })}\n`);
  // the CPU time this stack's process has used, asked for before and after a series
  process.on('message', () => process.send!(process.cpuUsage()));
  process.once('SIGTERM', () => {
    void stack.stop().finally(() => process.exit(0));
  });
}

/** Starts this script as a child serving one stack; resolves with its gateway URL. */
async function startChild(options: ServeOptions): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, __filename, '--serve', JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the ${options.otlp ? 'traced' : 'untraced'} stack exited (${code})`)),
    );
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, child };
}

/** User plus system CPU milliseconds the child has used so far. */
function cpuMsOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (usage) => {
      const { user, system } = usage as NodeJS.CpuUsage;
      resolve((user + system) / 1000);
    });
    child.send('cpu');
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 2_000);
  const embedded = readProcessEnv().MONGODB_URI ? null : await startEmbeddedMongo();
  const mongoUri = readProcessEnv().MONGODB_URI ?? embedded!.uri;
  const databases = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, uniqueDatabase(n)])) as Record<
    SubgraphName,
    string
  >;
  const protection = testProtectionEnv();
  await seedAll({
    mongoUri,
    databases,
    members: 20,
    now: SEED_NOW,
    demoPassword: 'demo-password-2026',
    protection,
    logger: createLogger({ name: 'seed', level: 'silent' }),
  });
  const receiver = await startOtlpReceiver();
  const children: ChildProcess[] = [];
  try {
    const [on, off] = await Promise.all([
      startChild({ mongoUri, databases, protection, otlp: receiver.url }),
      startChild({ mongoUri, databases, protection, otlp: null }),
    ]);
    children.push(on.child, off.child);
    const token = await tokenFor(IDENTITIES.Supervisor);
    const once = async (url: string, body: string): Promise<number> => {
      const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const started = process.hrtime.bigint();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent },
        body,
      });
      const answer = (await response.json()) as { errors?: unknown[] };
      if (answer.errors) throw new Error(`the query failed: ${JSON.stringify(answer.errors)}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    for (const { name, query } of CASES) {
      const body = JSON.stringify({ query });
      for (let i = 0; i < 200; i++) await Promise.all([once(on.url, body), once(off.url, body)]);
      const spansBefore = receiver.spans.length;
      const cpuBefore = { on: await cpuMsOf(on.child), off: await cpuMsOf(off.child) };
      const samples = { on: [] as number[], off: [] as number[] };
      for (let i = 0; i < iterations; i++) {
        // alternate which goes first so neither always runs on a warmer machine
        if (i % 2 === 0) {
          samples.on.push(await once(on.url, body));
          samples.off.push(await once(off.url, body));
        } else {
          samples.off.push(await once(off.url, body));
          samples.on.push(await once(on.url, body));
        }
      }
      const cpu = {
        on: ((await cpuMsOf(on.child)) - cpuBefore.on) / iterations,
        off: ((await cpuMsOf(off.child)) - cpuBefore.off) / iterations,
      };
      samples.on.sort((a, b) => a - b);
      samples.off.sort((a, b) => a - b);
      const [on50, off50] = [percentile(samples.on, 50), percentile(samples.off, 50)];
      const [on95, off95] = [percentile(samples.on, 95), percentile(samples.off, 95)];
      console.log(`${name}: ${iterations} interleaved runs each`);
      console.log(`  tracing off: median ${ms(off50)}, p95 ${ms(off95)}`);
      console.log(`  tracing on:  median ${ms(on50)}, p95 ${ms(on95)}`);
      console.log(
        `  difference:  median ${ms(on50 - off50)} (${(((on50 - off50) / off50) * 100).toFixed(1)}%), p95 ${ms(on95 - off95)}`,
      );
      // CPU per request is steadier than latency on a busy machine: the stack's process, background jobs included
      console.log(
        `  CPU of the stack's process: ${ms(cpu.off)} off, ${ms(cpu.on)} on per request (+${ms(cpu.on - cpu.off)}, ${(((cpu.on - cpu.off) / cpu.off) * 100).toFixed(1)}%)`,
      );
      // spans leave in batches every few seconds: those of the last moments arrive later and are not counted
      console.log(
        `  spans received meanwhile: ${((receiver.spans.length - spansBefore) / iterations).toFixed(1)} per request (background passes included)`,
      );
    }
  } finally {
    await Promise.all(children.map(stopChild));
    await receiver.stop();
    const client = await MongoClient.connect(mongoUri);
    for (const name of Object.values(databases)) await client.db(name).dropDatabase();
    await client.close();
    await embedded?.stop();
  }
}

const serveAt = process.argv.indexOf('--serve');
const run = serveAt >= 0 ? serve(JSON.parse(process.argv[serveAt + 1]!) as ServeOptions) : main();
void run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
