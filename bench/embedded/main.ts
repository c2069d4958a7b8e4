/**
 * The embedded MongoDB at the demo's larger sizes: the same seeded data on the on-disk (H2 MVStore) store and
 * in memory, with the whole stack `pnpm start` runs in front of it, and the latency of the 100-member 360° page
 * and of every dashboard (dashboard cache off, so the store is measured).
 *
 *   pnpm bench:embedded [--members 10000] [--requests 10] [--warmup 2] [--concurrency 4]
 *                       [--stores on-disk,in-memory] [--baseline <git-ref>] [--out <file.json>] [--keep-logs]
 *
 * Per checkout (the working tree, and with --baseline a git worktree of that ref after `pnpm install
 * --offline`) and per store: that checkout's embedded MongoDB starts (on disk in a temporary directory, or in
 * memory), its scripts/seed.ts seeds it (timed; dates from the start of today, so every store holds the same
 * data), its scripts/stack.ts runs the five subgraphs and the gateway in one process, and an admin signs in.
 * With every store of the checkout up, each operation is asked `--warmup` times (the first timed as the cold
 * request), `--requests` times one after another, and twice `--concurrency` at once, the requests going to the
 * stores in turn so that other work on the machine weighs on both alike. The on-disk store is then reopened on
 * its data (timed). Everything started is stopped, whichever way the run ends.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readProcessEnv } from '@casino/config';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { percentile } from '@casino/testing';
import { ProcessSet, childPidsMatching, cpuMs, memoryMb, waitReady } from '../gateway/processes';
import type { BenchOperation } from '../gateway/operations';
import { freePort } from '../../scripts/stack';
import { embeddedOperations } from './operations';
import {
  REPO_ROOT,
  addBaselineWorktree,
  describeCheckout,
  guardRun,
  removeWorktree,
} from '../support/run-lifecycle';
import type { Checkout } from '../support/run-lifecycle';
import { RUN_OPTIONS, optionParsers, resultsFile } from '../support/options';

const STACK_ENTRY = path.join(__dirname, 'stack-process.ts');
const STORES = ['on-disk', 'in-memory'] as const;
type StoreKind = (typeof STORES)[number];
const REQUEST_TIMEOUT_MS = 180_000;

const USAGE = `Usage: pnpm bench:embedded [options]
  --members N        demo members seeded (default 10000)
  --requests N       sequential measured requests per operation (default 10)
  --warmup N         requests per operation before the measured ones (default 2, at least 1); the first
                     is reported as the cold request
  --concurrency N    requests sent at once, twice per operation (default 4; 0 skips)
  --stores LIST      comma-separated, from: on-disk, in-memory (default both)
  --operations LIST  comma-separated subset of: members-100, gaming-dashboard, loyalty-dashboard,
                     marketing-dashboard, compliance-dashboard, workforce-dashboard (default all)
  --baseline REF     also run REF's embedded store, seed and stack (a git worktree, pnpm install --offline)
  --out FILE         where the JSON goes (default bench/embedded/results/<timestamp>.json)
  --user NAME        the admin the operations run as (default superadmin)
  --keep-logs        keep the services' logs (kept anyway when something fails)`;

interface Settings {
  members: number;
  requests: number;
  warmup: number;
  concurrency: number;
  stores: StoreKind[];
  operations: string[] | null;
  baseline: string | null;
  out: string;
  user: string;
  password: string;
  keepLogs: boolean;
}

function parseSettings(): Settings | null {
  const { values } = parseArgs({
    options: {
      ...RUN_OPTIONS,
      members: { type: 'string', default: '10000' },
      requests: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '4' },
      stores: { type: 'string', default: STORES.join(',') },
      operations: { type: 'string' },
    },
  });
  if (values.help) return null;
  const { integer, list, listOf } = optionParsers(USAGE);
  return {
    members: integer('members', values.members, 1),
    requests: integer('requests', values.requests, 1),
    warmup: integer('warmup', values.warmup, 1),
    concurrency: integer('concurrency', values.concurrency, 0),
    stores: listOf('store', values.stores, STORES),
    operations: values.operations ? list(values.operations) : null,
    baseline: values.baseline ?? null,
    out: resultsFile(__dirname, values.out),
    user: values.user,
    password: readProcessEnv().DEMO_PASSWORD ?? 'demo-password-2026',
    keepLogs: values['keep-logs'],
  };
}

const log = (line: string) => process.stderr.write(`[bench:embedded] ${line}\n`);

/** What a checkout's @casino/embedded-mongo exports (the part every version has). */
interface EmbeddedModule {
  startEmbeddedMongo(options?: {
    dataDir?: string;
  }): Promise<{ uri: string; port: number; stop(): Promise<void> }>;
}
type Embedded = Awaited<ReturnType<EmbeddedModule['startEmbeddedMongo']>>;

interface OperationResult {
  operation: string;
  failures: number;
  firstError: string | null;
  /** The answer's data, canonical JSON: equal across stores when they hold the same data. */
  answer: string | null;
  /** The first request after the stack started: what the store costs before any of its caches are warm. */
  firstMs: number;
  sequential: { samples: number[]; p50: number; p95: number } | null;
  concurrent: { samples: number[]; p50: number; p95: number; wallMs: number[] } | null;
  /** CPU per sequential request: the embedded MongoDB's JVM and the stack's process (gateway + subgraphs). */
  mongoCpuMsPerRequest: number | null;
  stackCpuMsPerRequest: number | null;
}

interface StoreRun {
  checkout: string;
  store: StoreKind;
  startMs: number;
  seedMs: number;
  dataBytes: number | null;
  stackStartMs: number;
  /** On disk: how long the store takes to open again on the seeded data, until it answers a count. */
  reopenMs: number | null;
  mongoRssMb: number | null;
  operations: OperationResult[];
}

/** `{ "b": 1, "a": [..] }` and `{ "a": [..], "b": 1 }` compare equal; arrays keep their order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : inner,
  );
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

async function postGraphql(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: { data?: unknown; errors?: { message?: string }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, json: (await response.json()) as never };
}

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

async function main(): Promise<void> {
  const settings = parseSettings();
  if (!settings) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const runDir = mkdtempSync(path.join(tmpdir(), 'casino-bench-embedded-'));
  const processes = new ProcessSet();
  const stores = new Set<Embedded>();
  let worktree: string | null = null;

  await guardRun(
    {
      processes,
      log,
      cleanup: async (failed) => {
        await Promise.allSettled([...stores].map((store) => store.stop()));
        if (worktree) removeWorktree(worktree);
        if (failed || settings.keepLogs) log(`logs kept in ${runDir}`);
        else rmSync(runDir, { recursive: true, force: true });
      },
    },
    () =>
      run(settings, {
        runDir,
        processes,
        stores,
        setWorktree: (dir) => (worktree = dir),
      }),
  );
}

async function run(
  settings: Settings,
  context: { runDir: string; processes: ProcessSet; stores: Set<Embedded>; setWorktree(dir: string): void },
): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg()[0]!;
  // the seed's reference instant: every store of every checkout holds the same data
  const now = new Date();
  now.setUTCHours(0, 0, 0, 0);
  const all = embeddedOperations(now);
  const operations = settings.operations
    ? settings.operations.map((name) => {
        const operation = all.find((o) => o.name === name);
        if (!operation) throw new Error(`unknown operation ${name}\n${USAGE}`);
        return operation;
      })
    : all;

  const checkouts: Checkout[] = [];
  if (settings.baseline) {
    checkouts.push(
      addBaselineWorktree(settings.baseline, 'casino-bench-embedded-baseline-', log, context.setWorktree),
    );
  }
  checkouts.push(describeCheckout('work', REPO_ROOT));

  const runs: StoreRun[] = [];
  for (const checkout of checkouts) {
    // every store of a checkout is seeded and served at once, and each operation's requests alternate between
    // them: other work on the machine then weighs on both stores alike
    const prepared: PreparedStore[] = [];
    for (const store of settings.stores)
      prepared.push(await prepareStore(checkout, store, settings, context));
    const results = new Map<PreparedStore, OperationResult[]>(prepared.map((p) => [p, []]));
    for (const operation of operations) {
      log(`${checkout.label}: ${operation.name}`);
      const measured = await measureOperation(prepared, operation, settings);
      prepared.forEach((p, i) => results.get(p)!.push(measured[i]!));
    }
    const rss = prepared.map((p) => (p.mongoPid === null ? null : memoryMb(p.mongoPid).rss));
    await context.processes.stopAll();
    for (const [i, p] of prepared.entries()) {
      runs.push(await finishStore(p, results.get(p)!, rss[i]!, settings, context));
    }
  }

  const load = { before: loadBefore, after: loadavg()[0]! };
  printTable(settings, checkouts, runs, load);
  const report = {
    benchmark: 'embedded',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { ...settings, password: undefined, out: undefined },
    seedNow: now.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, node: process.version, load },
    checkouts,
    operations: operations.map((o) => ({ name: o.name, description: o.description, variables: o.variables })),
    runs: runs.map((r) => ({
      ...r,
      operations: r.operations.map((o) => ({
        ...o,
        answer: undefined,
        answerChars: o.answer?.length ?? null,
      })),
    })),
    sameAnswers: sameAnswers(runs),
  };
  mkdirSync(path.dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nresults: ${settings.out}\n`);
}

interface PreparedStore {
  checkout: Checkout;
  store: StoreKind;
  startEmbeddedMongo: EmbeddedModule['startEmbeddedMongo'];
  mongo: Embedded;
  mongoPid: number | null;
  dataDir: string | undefined;
  stackPid: number;
  gatewayUrl: string;
  token: string;
  startMs: number;
  seedMs: number;
  dataBytes: number | null;
  stackStartMs: number;
}

/** Starts a checkout's embedded MongoDB (on disk or in memory), seeds it and starts its stack; signs in. */
async function prepareStore(
  checkout: Checkout,
  store: StoreKind,
  settings: Settings,
  context: { runDir: string; processes: ProcessSet; stores: Set<Embedded> },
): Promise<PreparedStore> {
  const { runDir, processes, stores } = context;
  const tag = `${checkout.label === 'work' ? 'work' : 'baseline'}-${store}`;
  const { startEmbeddedMongo } = (await import(
    path.join(checkout.root, 'packages/embedded-mongo/src/index.ts')
  )) as EmbeddedModule;
  const dataDir = store === 'on-disk' ? path.join(runDir, `${tag}-data`) : undefined;

  log(`${checkout.label} ${store}: starting the embedded MongoDB`);
  const before = new Set(childPidsMatching('EmbeddedMongo'));
  let started = performance.now();
  const mongo = await startEmbeddedMongo({ dataDir });
  stores.add(mongo);
  const startMs = performance.now() - started;
  const mongoPid = childPidsMatching('EmbeddedMongo').find((pid) => !before.has(pid)) ?? null;

  const env: Record<string, string> = {
    PATH: readProcessEnv().PATH ?? '/usr/bin:/bin',
    HOME: readProcessEnv().HOME ?? tmpdir(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: 'true',
    MONGODB_URI: mongo.uri,
    // the development data keys `pnpm start` and `pnpm seed` use by default
    ...DEV_PROTECTION_ENV,
  };

  log(`${checkout.label} ${store}: seeding ${settings.members} members`);
  started = performance.now();
  const seed = processes.start({
    name: `${tag}-seed`,
    checkout: checkout.root,
    entry: path.join(checkout.root, 'scripts/seed.ts'),
    env: { ...env, SEED_MEMBERS: String(settings.members) },
    url: '',
    logFile: path.join(runDir, `${tag}-seed.log`),
    nodeArgs: [],
  });
  // scripts/seed.ts dates everything from the start of today (UTC), the instant the dashboards' range ends on
  const seedExit = await seed.exited;
  if (seedExit !== 0) throw new Error(`the seed failed (exit ${seedExit}); see ${seed.logFile}`);
  const seedMs = performance.now() - started;
  const dataBytes = dataDir ? directoryBytes(dataDir) : null;
  log(`${checkout.label} ${store}: seeded in ${(seedMs / 1000).toFixed(1)} s`);

  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  started = performance.now();
  const stack = processes.start({
    name: `${tag}-stack`,
    checkout: checkout.root,
    entry: STACK_ENTRY,
    env: {
      ...env,
      STACK_CHECKOUT: checkout.root,
      GATEWAY_PORT: String(gatewayPort),
      // the store is measured, not the dashboard cache
      DASHBOARD_CACHE_TTL_SECONDS: '0',
      // one user's sequential requests, not production traffic
      RATE_LIMIT_PER_USER: '1000000000',
      RATE_LIMIT_PER_IP: '1000000000',
    },
    url: gatewayUrl,
    logFile: path.join(runDir, `${tag}-stack.log`),
  });
  await waitReady(stack, `http://127.0.0.1:${gatewayPort}/ready`, { timeoutMs: 180_000 });
  const stackStartMs = performance.now() - started;

  const login = await postGraphql(gatewayUrl, {
    query:
      'mutation SignIn($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }',
    variables: { u: settings.user, p: settings.password },
  });
  const token = (login.json.data as { login?: { token?: string } } | undefined)?.login?.token;
  if (!token) throw new Error(`login as ${settings.user} failed: ${JSON.stringify(login.json.errors)}`);
  return {
    checkout,
    store,
    startEmbeddedMongo,
    mongo,
    mongoPid,
    dataDir,
    stackPid: stack.pid,
    gatewayUrl,
    token,
    startMs,
    seedMs,
    dataBytes,
    stackStartMs,
  };
}

/** Stops the store (its stack is stopped already); on disk, times opening it again on its data. */
async function finishStore(
  prepared: PreparedStore,
  operations: OperationResult[],
  mongoRssMb: number | null,
  settings: Settings,
  context: { stores: Set<Embedded> },
): Promise<StoreRun> {
  const { stores } = context;
  await prepared.mongo.stop();
  stores.delete(prepared.mongo);
  let reopenMs: number | null = null;
  if (prepared.dataDir) {
    const started = performance.now();
    const mongo = await prepared.startEmbeddedMongo({ dataDir: prepared.dataDir });
    stores.add(mongo);
    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(mongo.uri);
    try {
      const members = await client.db('casino_loyalty').collection('members').countDocuments();
      reopenMs = performance.now() - started;
      if (members !== settings.members) throw new Error(`reopened with ${members} members`);
    } finally {
      await client.close();
      await mongo.stop();
      stores.delete(mongo);
    }
    rmSync(prepared.dataDir, { recursive: true, force: true });
  }
  return {
    checkout: prepared.checkout.label,
    store: prepared.store,
    startMs: prepared.startMs,
    seedMs: prepared.seedMs,
    dataBytes: prepared.dataBytes,
    stackStartMs: prepared.stackStartMs,
    reopenMs,
    mongoRssMb,
    operations,
  };
}

/**
 * One operation on every prepared store, each request going to the stores in turn: the first request (cold),
 * the rest of the warm-up, the sequential requests (with the JVM's and the stack's CPU around each), then the
 * concurrent batches. One result per store, in their order.
 */
async function measureOperation(
  targets: PreparedStore[],
  operation: BenchOperation,
  settings: Settings,
): Promise<OperationResult[]> {
  const body = {
    query: operation.query,
    operationName: operation.operationName,
    variables: operation.variables,
  };
  const states = targets.map((target) => ({
    target,
    failures: 0,
    firstError: null as string | null,
    answer: null as string | null,
    firstMs: 0,
    sequential: [] as number[],
    concurrent: [] as number[],
    wallMs: [] as number[],
    mongoCpuMs: 0,
    stackCpuMs: 0,
  }));
  type State = (typeof states)[number];
  const once = async (state: State): Promise<number> => {
    const started = performance.now();
    try {
      const { status, json } = await postGraphql(state.target.gatewayUrl, body, state.target.token);
      const elapsed = performance.now() - started;
      if (status !== 200 || json.errors) {
        state.failures += 1;
        const messages = [...new Set(json.errors?.map((e) => e.message))];
        state.firstError ??= `${status} ${JSON.stringify(messages)}`.slice(0, 300);
      } else {
        state.answer ??= canonical(json.data);
      }
      return elapsed;
    } catch (error) {
      state.failures += 1;
      state.firstError ??= error instanceof Error ? error.message : String(error);
      return performance.now() - started;
    }
  };
  const cpu = (state: State) => ({
    mongo: state.target.mongoPid === null ? 0 : cpuMs(state.target.mongoPid),
    stack: cpuMs(state.target.stackPid),
  });

  for (const state of states) state.firstMs = await once(state);
  for (let i = 1; i < settings.warmup; i++) for (const state of states) await once(state);
  for (let i = 0; i < settings.requests; i++) {
    for (const state of states) {
      const before = cpu(state);
      state.sequential.push(await once(state));
      const after = cpu(state);
      state.mongoCpuMs += after.mongo - before.mongo;
      state.stackCpuMs += after.stack - before.stack;
    }
  }
  if (settings.concurrency > 0) {
    for (let batch = 0; batch < 2; batch++) {
      for (const state of states) {
        const started = performance.now();
        state.concurrent.push(
          ...(await Promise.all(Array.from({ length: settings.concurrency }, () => once(state)))),
        );
        state.wallMs.push(performance.now() - started);
      }
    }
  }
  return states.map((state) => ({
    operation: operation.name,
    failures: state.failures,
    firstError: state.firstError,
    answer: state.answer,
    firstMs: state.firstMs,
    sequential: summary(state.sequential),
    concurrent: settings.concurrency > 0 ? { ...summary(state.concurrent), wallMs: state.wallMs } : null,
    mongoCpuMsPerRequest: state.target.mongoPid === null ? null : state.mongoCpuMs / settings.requests,
    stackCpuMsPerRequest: state.stackCpuMs / settings.requests,
  }));
}

/**
 * Per operation, the checkouts whose stores answered different data (each store holds the same seed, so they
 * must agree), and whether the checkouts agree with each other (their code may rightly answer differently).
 */
function sameAnswers(runs: StoreRun[]): { storesDiffer: string[]; checkoutsDiffer: string[] } {
  const answers = (filter: (r: StoreRun) => boolean, operation: string) =>
    new Set(
      runs
        .filter(filter)
        .flatMap((r) => r.operations.filter((o) => o.operation === operation))
        // a store that failed the operation every time has no answer to compare (it is listed as failed)
        .flatMap((o) => (o.answer === null ? [] : [o.answer])),
    );
  const operations = [...new Set(runs.flatMap((r) => r.operations.map((o) => o.operation)))];
  const checkouts = [...new Set(runs.map((r) => r.checkout))];
  return {
    storesDiffer: operations.flatMap((operation) =>
      checkouts
        .filter((checkout) => answers((r) => r.checkout === checkout, operation).size > 1)
        .map((checkout) => `${operation} (${checkout})`),
    ),
    checkoutsDiffer: operations.filter((operation) => answers(() => true, operation).size > 1),
  };
}

function printTable(
  settings: Settings,
  checkouts: Checkout[],
  runs: StoreRun[],
  load: { before: number; after: number },
): void {
  const ms = (value: number | null | undefined) =>
    value === null || value === undefined || !Number.isFinite(value)
      ? '-'
      : value >= 1000
        ? `${(value / 1000).toFixed(2)} s`
        : `${value.toFixed(0)} ms`;
  const out: string[] = [''];
  out.push(
    `Embedded MongoDB, ${settings.members} members: ${settings.requests} sequential requests after ${settings.warmup} ` +
      `unmeasured, then 2 x ${settings.concurrency} at once; dashboard cache off; ${cpus().length} CPUs`,
  );
  for (const c of checkouts) {
    out.push(`  ${c.label}: ${c.commit.slice(0, 12)}${c.dirty ? ' + uncommitted changes' : ''}`);
  }
  out.push(
    `  load average (1 min) ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after` +
      (load.before > cpus().length ? ': other work was running, figures are noisy' : ''),
  );
  out.push('');
  const same = sameAnswers(runs);
  const operations = [...new Set(runs.flatMap((r) => r.operations.map((o) => o.operation)))];
  const header = [
    'operation',
    'checkout',
    ...settings.stores.flatMap((s) => [
      `${s} first`,
      `${s} p50`,
      `${s} p95`,
      `${s} x${settings.concurrency} p50`,
      `${s} mongo CPU`,
    ]),
  ];
  const hasBoth = settings.stores.includes('on-disk') && settings.stores.includes('in-memory');
  if (hasBoth) header.push('disk/memory p50');
  const rows: string[][] = [];
  for (const name of operations) {
    for (const c of checkouts) {
      const cell = (store: StoreKind) =>
        runs
          .find((r) => r.checkout === c.label && r.store === store)
          ?.operations.find((o) => o.operation === name);
      const row = [name, c.label];
      for (const store of settings.stores) {
        const o = cell(store);
        const mark = o && o.failures > 0 ? ` (${o.failures} failed)` : '';
        row.push(
          ms(o?.firstMs),
          `${ms(o?.sequential?.p50)}${mark}`,
          ms(o?.sequential?.p95),
          ms(o?.concurrent?.p50),
          ms(o?.mongoCpuMsPerRequest),
        );
      }
      if (hasBoth) {
        const disk = cell('on-disk')?.sequential?.p50;
        const memory = cell('in-memory')?.sequential?.p50;
        row.push(disk && memory ? `${(disk / memory).toFixed(2)}x` : '-');
      }
      rows.push(row);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  out.push(line(header));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  let previous = '';
  for (const row of rows) {
    if (previous && row[0] !== previous && checkouts.length > 1) out.push('');
    previous = row[0]!;
    out.push(line(row));
  }
  out.push('');
  out.push('store: start, seed, data on disk, stack start, reopen on its data, JVM RSS after the run');
  for (const r of runs) {
    out.push(
      `  ${`${r.checkout} ${r.store}`.padEnd(24)} start ${ms(r.startMs)}, seed ${ms(r.seedMs)}` +
        `${r.dataBytes === null ? '' : `, ${(r.dataBytes / 1048576).toFixed(1)} MB on disk`}` +
        `, stack ${ms(r.stackStartMs)}${r.reopenMs === null ? '' : `, reopen ${ms(r.reopenMs)}`}` +
        `, JVM RSS ${r.mongoRssMb === null ? '-' : `${r.mongoRssMb.toFixed(0)} MB`}`,
    );
  }
  out.push(
    same.storesDiffer.length === 0
      ? 'the stores of each checkout answered every operation with the same data'
      : `the stores answered different data for: ${same.storesDiffer.join(', ')}`,
  );
  if (checkouts.length > 1 && same.checkoutsDiffer.length > 0) {
    out.push(`the checkouts' code answers differently for: ${same.checkoutsDiffer.join(', ')}`);
  }
  for (const r of runs) {
    for (const o of r.operations.filter((o) => o.firstError)) {
      out.push(`failed: ${r.checkout} ${r.store} ${o.operation}: ${o.firstError}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
