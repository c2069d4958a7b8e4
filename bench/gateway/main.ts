/**
 * Gateway throughput: our gateway against a stock @apollo/gateway on the same subgraph processes, and against
 * the floor (the operation's subgraph requests sent straight to the subgraphs), in interleaved rounds.
 *
 *   pnpm bench:gateway [--duration 5] [--rounds 3] [--warmup 2] [--connections 10] [--members 300]
 *                      [--operations me,members-20,members-100,dashboard-30d] [--targets ours,stock,floor]
 *                      [--baseline <git-ref>] [--out <file.json>] [--log-level warn] [--keep-logs]
 *                      [--runtime compiled|tsx]
 *
 * One in-memory embedded MongoDB, seeded by scripts/seed.ts; the five subgraphs, our gateway and the stock
 * gateway each run as a process of their own, on free loopback ports, in development mode with credential keys
 * generated for the run. By default they run as production does: the output of `pnpm build` (scripts/build.ts,
 * built into the run's folder at start) under plain `node`, the stock gateway compiled to JavaScript beside our
 * gateway's; `--runtime tsx` runs the TypeScript sources through tsx instead. With --baseline, a git worktree of that ref runs its own
 * subgraphs and gateway on the same databases as a further set of targets.
 */
import ts from 'typescript';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CALLER_NAMES,
  developmentTokenSettings,
  privateKeyFromSeed,
  publicKeyString,
  verifyAccessToken,
} from '@casino/auth';
import type { CredentialSigner, Identity } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { startEmbeddedMongo } from '@casino/embedded-mongo';
import type { EmbeddedMongo } from '@casino/embedded-mongo';
import { captureOperations, floorClient, runFloorStep } from './floor';
import type { CapturedOperation, FloorClient } from './floor';
import { autocannonLoad, floorLoad, measured } from './load';
import type { MeasuredPids, RoundSample } from './load';
import { benchOperations } from './operations';
import type { BenchOperation } from './operations';
import { build } from '../../scripts/build';
import { freePort } from '../../scripts/stack';
import { ProcessSet, childPidsMatching, cpuMs, memoryMb, waitReady } from './processes';
import type { Service } from './processes';
import {
  REPO_ROOT,
  addBaselineWorktree,
  describeCheckout,
  guardRun,
  removeWorktree,
} from '../support/run-lifecycle';
import type { Checkout } from '../support/run-lifecycle';
import { RUN_OPTIONS, optionParsers, resultsFile } from '../support/options';

const SUBGRAPHS = ['loyalty', 'gaming', 'workforce', 'marketing', 'compliance'] as const;
type SubgraphName = (typeof SUBGRAPHS)[number];
const TARGET_KINDS = ['ours', 'stock', 'floor'] as const;
type TargetKind = (typeof TARGET_KINDS)[number];

const STOCK_GATEWAY_ENTRY = path.join(__dirname, 'stock-gateway.ts');
const TOKEN_RENEW_AFTER_MS = 10 * 60_000;

const USAGE = `Usage: pnpm bench:gateway [options]
  --duration S       seconds per measured run (default 5)
  --rounds N         interleaved rounds; the table shows each figure's median over them (default 3)
  --warmup S         seconds of unmeasured load per target and operation before the first round (default 2)
  --connections N    concurrent connections (autocannon) or operation loops (floor) (default 10)
  --members N        demo members seeded (default 300)
  --operations LIST  comma-separated, from: me, members-20, members-100, dashboard-30d (default all)
  --targets LIST     comma-separated, from: ours, stock, floor (default all)
  --baseline REF     also run REF's gateway and subgraphs (a git worktree, pnpm install --offline)
  --out FILE         where the JSON goes (default bench/gateway/results/<timestamp>.json)
  --log-level LEVEL  the services' LOG_LEVEL (default warn: request logging is not measured)
  --user NAME        the admin the operations run as (default superadmin; password DEMO_PASSWORD or the demo one)
  --cpu-prof         write V8 CPU profiles of the gateways and subgraphs (node --cpu-prof) next to the kept logs
  --keep-logs        keep the services' logs (kept anyway when something fails)
  --runtime KIND     compiled (default: pnpm build's JavaScript under node, as in production) or tsx
  --env NAME=VALUE   a setting for our gateways and the subgraphs (repeatable), e.g. --env GATEWAY_INFLIGHT_DEDUP=false
                     --env DASHBOARD_CACHE_TTL_SECONDS=0`;

interface Settings {
  duration: number;
  rounds: number;
  warmup: number;
  connections: number;
  members: number;
  operations: string[];
  targets: TargetKind[];
  baseline: string | null;
  out: string;
  logLevel: string;
  user: string;
  password: string;
  keepLogs: boolean;
  cpuProf: boolean;
  runtime: 'compiled' | 'tsx';
  /** Extra settings for our gateways and the subgraphs (not the stock gateway, which reads none of them). */
  env: Record<string, string>;
}

function parseSettings(): Settings | null {
  const { values } = parseArgs({
    options: {
      ...RUN_OPTIONS,
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      members: { type: 'string', default: '300' },
      operations: { type: 'string', default: 'me,members-20,members-100,dashboard-30d' },
      targets: { type: 'string', default: TARGET_KINDS.join(',') },
      'log-level': { type: 'string', default: 'warn' },
      'cpu-prof': { type: 'boolean', default: false },
      runtime: { type: 'string', default: 'compiled' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.help) return null;
  const { integer: positive, list, listOf } = optionParsers(USAGE);
  const targets = listOf('target', values.targets, TARGET_KINDS);
  if (values.runtime !== 'compiled' && values.runtime !== 'tsx')
    throw new Error(`--runtime must be compiled or tsx\n${USAGE}`);
  const env: Record<string, string> = {};
  for (const setting of values.env) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(setting);
    if (!match) throw new Error(`--env takes NAME=VALUE, not ${setting}\n${USAGE}`);
    env[match[1]!] = match[2]!;
  }
  return {
    duration: positive('duration', values.duration),
    rounds: positive('rounds', values.rounds),
    warmup: positive('warmup', values.warmup, 0),
    connections: positive('connections', values.connections),
    members: positive('members', values.members),
    operations: list(values.operations),
    targets,
    baseline: values.baseline ?? null,
    out: resultsFile(__dirname, values.out),
    logLevel: values['log-level'],
    user: values.user,
    password: readProcessEnv().DEMO_PASSWORD ?? 'demo-password-2026',
    keepLogs: values['keep-logs'] || values['cpu-prof'],
    cpuProf: values['cpu-prof'],
    runtime: values.runtime,
    env,
  };
}

/** Request-credential keys for this run only: a seed per caller, every service trusting every public key. */
function credentialKeys(): { seeds: Record<string, string>; publicKeys: string } {
  const seeds = Object.fromEntries(CALLER_NAMES.map((name) => [name, randomBytes(32).toString('base64')]));
  const publicKeys = CALLER_NAMES.map(
    (name) => `${name}:${publicKeyString(privateKeyFromSeed(seeds[name]!))}`,
  ).join(',');
  return { seeds, publicKeys };
}

interface Deployment {
  checkout: Checkout;
  subgraphs: Record<SubgraphName, Service>;
  subgraphUrls: Record<SubgraphName, string>;
  ours: Service;
  stock: Service;
  captured: Map<string, CapturedOperation>;
}

interface Target {
  name: string;
  kind: TargetKind;
  deployment: Deployment;
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

async function postJson(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: { data?: unknown; errors?: unknown } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, json: (await response.json()) as { data?: unknown; errors?: unknown } };
}

const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<void> {
  const settings = parseSettings();
  if (!settings) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const startedAt = new Date();
  const runDir = mkdtempSync(path.join(tmpdir(), 'casino-bench-gateway-'));
  const processes = new ProcessSet(runDir);
  let embedded: EmbeddedMongo | null = null;
  let worktree: string | null = null;

  await guardRun(
    {
      processes,
      log,
      cleanup: async (failed) => {
        await embedded?.stop().catch(() => undefined);
        if (worktree) removeWorktree(worktree);
        if (failed || settings.keepLogs) log(`service logs kept in ${runDir}`);
        else rmSync(runDir, { recursive: true, force: true });
      },
    },
    () =>
      run(settings, {
        runDir,
        processes,
        setEmbedded: (mongo) => (embedded = mongo),
        setWorktree: (dir) => (worktree = dir),
        startedAt,
      }),
  );
}

const log = (line: string) => process.stderr.write(`[bench:gateway] ${line}\n`);

async function run(
  settings: Settings,
  context: {
    runDir: string;
    processes: ProcessSet;
    setEmbedded(mongo: EmbeddedMongo): void;
    setWorktree(dir: string): void;
    startedAt: Date;
  },
): Promise<void> {
  const { runDir, processes } = context;
  const loadBefore = loadavg()[0]!;
  const now = new Date();
  now.setUTCHours(0, 0, 0, 0);
  const allOperations = benchOperations(now);
  const operations = settings.operations.map((name) => {
    const operation = allOperations.find((o) => o.name === name);
    if (!operation) throw new Error(`unknown operation ${name}\n${USAGE}`);
    return operation;
  });

  const checkouts = [describeCheckout('work', REPO_ROOT)];
  if (settings.baseline) {
    checkouts.push(
      addBaselineWorktree(settings.baseline, 'casino-bench-baseline-', log, context.setWorktree),
    );
  }

  log('starting the embedded MongoDB (in memory)');
  const mongo = await startEmbeddedMongo();
  context.setEmbedded(mongo);
  const mongoPid = childPidsMatching('EmbeddedMongo')[0] ?? null;

  const baseEnv: Record<string, string> = {
    PATH: readProcessEnv().PATH ?? '/usr/bin:/bin',
    HOME: readProcessEnv().HOME ?? tmpdir(),
    NODE_ENV: 'development',
    LOG_LEVEL: settings.logLevel,
    APOLLO_TELEMETRY_DISABLED: 'true',
    MONGODB_URI: mongo.uri,
    ...DEV_PROTECTION_ENV,
  };

  log(`seeding ${settings.members} members (scripts/seed.ts)`);
  const seed = processes.start({
    name: 'seed',
    checkout: REPO_ROOT,
    entry: path.join(REPO_ROOT, 'scripts/seed.ts'),
    env: { ...baseEnv, LOG_LEVEL: 'warn', SEED_MEMBERS: String(settings.members) },
    url: '',
    logFile: path.join(runDir, 'seed.log'),
    nodeArgs: [],
  });
  const seedExit = await seed.exited;
  if (seedExit !== 0) throw new Error(`the seed failed (exit ${seedExit}); see ${seed.logFile}`);

  const keys = credentialKeys();
  const signer: CredentialSigner = {
    issuer: 'gateway',
    key: privateKeyFromSeed(keys.seeds.gateway!),
    ttlSeconds: 30,
  };
  const serviceEnv = {
    ...baseEnv,
    SERVICE_PUBLIC_KEYS: keys.publicKeys,
    REQUEST_CREDENTIAL_TTL_SECONDS: '30',
  };

  const deployments: Deployment[] = [];
  for (const checkout of checkouts) {
    deployments.push(await deploy(checkout, { settings, processes, runDir, serviceEnv, seeds: keys.seeds }));
  }
  const work = deployments[0]!;

  // one sign-in per run (renewed when the run outlives a good part of the token's 15 minutes)
  let token = '';
  let identity: Identity = { kind: 'anonymous' };
  let signedInAt = 0;
  const signIn = async () => {
    const { status, json } = await postJson(`${work.ours.url}`, {
      query:
        'mutation SignIn($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }',
      variables: { u: settings.user, p: settings.password },
    });
    const issued = (json.data as { login?: { token?: string } } | undefined)?.login?.token;
    if (status !== 200 || !issued)
      throw new Error(`login as ${settings.user} failed: ${JSON.stringify(json.errors)}`);
    token = issued;
    identity = await verifyAccessToken(token, developmentTokenSettings());
    signedInAt = Date.now();
  };
  await signIn();
  const freshToken = async () => {
    if (Date.now() - signedInAt > TOKEN_RENEW_AFTER_MS) await signIn();
    return token;
  };

  for (const deployment of deployments) {
    deployment.captured = await captureOperations({
      supergraphSdl: readFileSync(path.join(deployment.checkout.root, 'schema/supergraph.graphql'), 'utf8'),
      subgraphUrls: deployment.subgraphUrls,
      signer,
      identity,
      operations,
    });
  }
  const client: FloorClient = floorClient(signer, identity, settings.connections);

  const targets: Target[] = deployments.flatMap((deployment) =>
    settings.targets.map((kind) => ({
      name: deployment.checkout.label === 'work' ? kind : `${kind}@${deployment.checkout.label}`,
      kind,
      deployment,
    })),
  );

  // within a checkout every target answers the same data as that checkout's gateway, or the target is not
  // reported for that operation; between checkouts a difference is a change of behaviour the comparison is
  // meant to show (a field computed differently), so it is reported, not refused
  log('checking that every target answers the same data');
  const refused = new Map<string, string>();
  const key = (target: Target, operation: BenchOperation) => `${target.name} ${operation.name}`;
  for (const operation of operations) {
    const expectedOf = new Map<Deployment, string>();
    for (const deployment of deployments) {
      const reference = await postJson(deployment.ours.url, requestOf(operation), await freshToken());
      if (reference.status !== 200 || reference.json.errors || !reference.json.data) {
        throw new Error(
          `${operation.name}: ${deployment.checkout.label}'s gateway answered ${reference.status} ` +
            JSON.stringify(reference.json.errors),
        );
      }
      expectedOf.set(deployment, canonical(reference.json.data));
    }
    for (const deployment of deployments) {
      if (deployment !== work && expectedOf.get(deployment) !== expectedOf.get(work)) {
        log(`NOTE ${operation.name}: ${deployment.checkout.label} answers other data than the working tree`);
      }
    }
    for (const target of targets) {
      const expected = expectedOf.get(target.deployment)!;
      const reason = await sameData(target, operation, expected, await freshToken(), client);
      if (reason) {
        refused.set(key(target, operation), reason);
        log(`REFUSED ${target.name} ${operation.name}: ${reason}`);
      }
    }
  }

  const pidsOf = (target: Target): MeasuredPids => ({
    gateway: target.kind === 'floor' ? null : target.deployment[target.kind].pid,
    subgraphs: SUBGRAPHS.map((name) => target.deployment.subgraphs[name].pid),
    mongo: mongoPid,
  });
  const loadOf = async (target: Target, operation: BenchOperation, seconds: number) => {
    if (target.kind === 'floor') {
      return floorLoad({
        client,
        plan: target.deployment.captured.get(operation.name)!.plan,
        connections: settings.connections,
        seconds,
      });
    }
    return autocannonLoad({
      url: target.deployment[target.kind].url,
      body: JSON.stringify(requestOf(operation)),
      token: await freshToken(),
      connections: settings.connections,
      seconds,
    });
  };

  if (settings.warmup > 0) {
    log(`warm-up: ${settings.warmup} s per target and operation`);
    for (const target of targets) {
      for (const operation of operations) {
        if (refused.has(key(target, operation))) continue;
        await (
          await loadOf(target, operation, settings.warmup)
        )();
      }
    }
  }

  // what the processes burn with no load at all (job loops, revocation polling, metrics, collections after
  // the warm-up), per second: the per-operation figures include it, and it weighs more on slow operations
  log('measuring idle CPU');
  const idle = await idleCpu(deployments, mongoPid, Math.max(3, Math.min(settings.duration, 5)));

  const samples = new Map<string, RoundSample[]>();
  const memory = new Map<
    string,
    { gatewayRssMb: number | null; gatewayPeakMb: number | null; subgraphsRssMb: number }
  >();
  for (let round = 1; round <= settings.rounds; round++) {
    log(`round ${round} of ${settings.rounds}`);
    for (const target of targets) {
      for (const operation of operations) {
        if (refused.has(key(target, operation))) continue;
        const sample = await measured(pidsOf(target), await loadOf(target, operation, settings.duration));
        if (!samples.has(key(target, operation))) samples.set(key(target, operation), []);
        samples.get(key(target, operation))!.push(sample);
      }
      const pids = pidsOf(target);
      const gatewayMemory = pids.gateway === null ? null : memoryMb(pids.gateway);
      memory.set(target.name, {
        gatewayRssMb: gatewayMemory?.rss ?? null,
        gatewayPeakMb: gatewayMemory?.peak ?? null,
        subgraphsRssMb: pids.subgraphs.reduce((total, pid) => total + memoryMb(pid).rss, 0),
      });
    }
  }

  const results = operations.flatMap((operation) =>
    targets.map((target) => {
      const rounds = samples.get(key(target, operation)) ?? [];
      const pick = (field: keyof RoundSample) =>
        rounds.map((r) => r[field] as number | null).filter((v) => v !== null);
      return {
        operation: operation.name,
        target: target.name,
        refused: refused.get(key(target, operation)) ?? null,
        subgraphFetches: target.deployment.captured.get(operation.name)!.fetchCount,
        median:
          rounds.length === 0
            ? null
            : {
                requestsPerSecond: median(rounds.map((r) => r.requests / r.seconds)),
                p50Ms: median(pick('p50')),
                p95Ms: median(pick('p95')),
                p99Ms: median(pick('p99')),
                gatewayCpuMsPerOp: target.kind === 'floor' ? null : median(pick('gatewayCpuMsPerOp')),
                subgraphCpuMsPerOp: median(pick('subgraphCpuMsPerOp')),
                mongoCpuMsPerOp: mongoPid === null ? null : median(pick('mongoCpuMsPerOp')),
                loadgenCpuMsPerOp: median(pick('loadgenCpuMsPerOp')),
                signingMsPerOp: target.kind === 'floor' ? median(pick('signingMsPerOp')) : null,
                failures: rounds.reduce((total, r) => total + r.failures, 0),
              },
        rounds,
      };
    }),
  );

  // other work on the machine takes CPU from the services: figures from a busy machine are not comparable
  const load = { before: loadBefore, after: loadavg()[0]! };
  printTable(settings, results, memory, deployments, idle, load);

  const report = {
    benchmark: 'gateway',
    startedAt: context.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { ...settings, password: undefined, out: undefined },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      node: process.version,
      loadAverage1m: load,
    },
    checkouts: deployments.map((d) => d.checkout),
    operations: operations.map((o) => ({
      name: o.name,
      description: o.description,
      query: o.query,
      variables: o.variables,
    })),
    results,
    memory: Object.fromEntries(memory),
    idleCpuMsPerSecond: idle,
  };
  mkdirSync(path.dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nresults: ${settings.out}\n`);
}

const requestOf = (operation: BenchOperation) => ({
  query: operation.query,
  operationName: operation.operationName,
  variables: operation.variables,
});

/** Why a target may not be reported for an operation (its data differs, or it fails), or null. */
async function sameData(
  target: Target,
  operation: BenchOperation,
  expected: string,
  token: string,
  client: FloorClient,
): Promise<string | null> {
  const captured = target.deployment.captured.get(operation.name)!;
  if (target.kind === 'floor') {
    if (captured.errors) return `the captured plan's answer has errors: ${JSON.stringify(captured.errors)}`;
    if (canonical(captured.data) !== expected)
      return 'the captured plan answers other data than the gateway of its checkout';
    let differing = 0;
    const ok = await runFloorStep(client, captured.plan, (fetch, data) => {
      if (canonical(data) === canonical(fetch.expected)) return true;
      differing += 1;
      return false;
    });
    if (differing > 0)
      return `${differing} subgraph requests answer other data than when the plan was captured`;
    return ok ? null : 'a subgraph refused or answered errors';
  }
  const { status, json } = await postJson(target.deployment[target.kind].url, requestOf(operation), token);
  if (status !== 200 || json.errors) return `answered ${status} ${JSON.stringify(json.errors)}`;
  return canonical(json.data) === expected ? null : 'answered other data than the gateway of its checkout';
}

/** Starts one checkout's five subgraphs, its gateway and a stock gateway in front of the same subgraphs. */
async function deploy(
  checkout: Checkout,
  options: {
    settings: Settings;
    processes: ProcessSet;
    runDir: string;
    serviceEnv: Record<string, string>;
    seeds: Record<string, string>;
  },
): Promise<Deployment> {
  const { processes, runDir, serviceEnv, seeds } = options;
  const profile = (name: string) =>
    options.settings.cpuProf
      ? // a directory per process: the tsx loader's worker thread writes a profile of its own
        ['--cpu-prof', `--cpu-prof-dir=${path.join(runDir, 'profiles', name)}`]
      : [];
  const tag = checkout.label === 'work' ? 'work' : 'baseline';
  const compiled = options.settings.runtime === 'compiled' ? compileCheckout(checkout, runDir, tag) : null;
  /** Where a service's process starts: its deployed JavaScript, or its TypeScript entry under tsx. */
  const entryOf = (service: SubgraphName | 'gateway', sourceEntry: string) =>
    compiled
      ? { entry: compiled[service].entry, compiled: { cwd: compiled[service].dir } }
      : { entry: path.join(checkout.root, sourceEntry) };
  const ports = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) ports[name] = await freePort();
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
  ) as Record<SubgraphName, string>;
  const urlEnv = Object.fromEntries(
    SUBGRAPHS.map((name) => [`${name.toUpperCase()}_URL`, subgraphUrls[name]]),
  );

  log(`${checkout.label}: starting the five subgraphs`);
  const subgraphs = {} as Record<SubgraphName, Service>;
  for (const name of SUBGRAPHS) {
    subgraphs[name] = processes.start({
      name: `${tag}-${name}`,
      checkout: checkout.root,
      ...entryOf(name, `subgraphs/${name}/src/main.ts`),
      env: {
        ...serviceEnv,
        ...urlEnv,
        SERVICE_SIGNING_KEY: seeds[name]!,
        HOST: '127.0.0.1',
        PORT: String(ports[name]),
        MONGODB_DATABASE: `casino_${name}`,
        ...options.settings.env,
      },
      url: subgraphUrls[name],
      logFile: path.join(runDir, `${tag}-${name}.log`),
      nodeArgs: profile(`${tag}-${name}`),
    });
  }
  await Promise.all(
    SUBGRAPHS.map((name) => waitReady(subgraphs[name], `http://127.0.0.1:${ports[name]}/ready`)),
  );

  log(`${checkout.label}: starting our gateway and the stock gateway`);
  const oursPort = await freePort();
  const ours = processes.start({
    name: `${tag}-gateway`,
    checkout: checkout.root,
    ...entryOf('gateway', 'gateway/src/main.ts'),
    env: {
      ...serviceEnv,
      ...urlEnv,
      SERVICE_SIGNING_KEY: seeds.gateway!,
      HOST: '127.0.0.1',
      PORT: String(oursPort),
      // the per-user and per-address budgets are for production traffic, not for one user's load test
      RATE_LIMIT_PER_USER: '1000000000',
      RATE_LIMIT_PER_IP: '1000000000',
      ...options.settings.env,
    },
    url: `http://127.0.0.1:${oursPort}/graphql`,
    logFile: path.join(runDir, `${tag}-gateway.log`),
    nodeArgs: profile(`${tag}-gateway`),
  });
  const stockPort = await freePort();
  const stock = processes.start({
    name: `${tag}-stock-gateway`,
    checkout: REPO_ROOT,
    ...(compiled
      ? { entry: compiled.stock.entry, compiled: { cwd: compiled.stock.dir } }
      : { entry: STOCK_GATEWAY_ENTRY }),
    env: {
      ...serviceEnv,
      SERVICE_SIGNING_KEY: seeds.gateway!,
      HOST: '127.0.0.1',
      PORT: String(stockPort),
      SUPERGRAPH_PATH: path.join(checkout.root, 'schema/supergraph.graphql'),
      SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
    },
    url: `http://127.0.0.1:${stockPort}/`,
    logFile: path.join(runDir, `${tag}-stock-gateway.log`),
    nodeArgs: profile(`${tag}-stock-gateway`),
  });
  await Promise.all([
    waitReady(ours, `http://127.0.0.1:${oursPort}/ready`),
    waitReady(stock, `http://127.0.0.1:${stockPort}/`, { post: { query: '{ __typename }' } }),
  ]);
  return { checkout, subgraphs, subgraphUrls, ours, stock, captured: new Map() };
}

type CompiledServices = Record<SubgraphName | 'gateway' | 'stock', { dir: string; entry: string }>;

/**
 * `pnpm build` of a checkout's gateway and subgraphs into the run's folder (the work tree's build script, so a
 * baseline builds the same way), and the stock gateway compiled into the gateway's deploy folder, where the
 * packages it imports (@apollo/gateway, @apollo/server, @casino/auth, @casino/config) are installed.
 */
function compileCheckout(checkout: Checkout, runDir: string, tag: string): CompiledServices {
  log(
    `${checkout.label}: pnpm build of the gateway and the five subgraphs (compiled JavaScript, as deployed)`,
  );
  const started = Date.now();
  const result = build({
    root: checkout.root,
    out: path.join(runDir, `build-${tag}`),
    only: ['gateway', ...SUBGRAPHS],
  });
  const services = Object.fromEntries(
    result.services.map((s) => [s.name, { dir: s.dir, entry: path.join(s.dir, s.entry) }]),
  ) as CompiledServices;
  const stockEntry = path.join(services.gateway.dir, 'dist', 'bench-stock-gateway.js');
  const { outputText } = ts.transpileModule(readFileSync(STOCK_GATEWAY_ENTRY, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: STOCK_GATEWAY_ENTRY,
  });
  writeFileSync(stockEntry, outputText);
  services.stock = { dir: services.gateway.dir, entry: stockEntry };
  log(`${checkout.label}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return services;
}

interface IdleCpu {
  checkouts: Record<string, { ours: number; stock: number; subgraphs: number }>;
  mongo: number | null;
}

async function idleCpu(
  deployments: Deployment[],
  mongoPid: number | null,
  seconds: number,
): Promise<IdleCpu> {
  const read = () => ({
    checkouts: deployments.map((d) => ({
      ours: cpuMs(d.ours.pid),
      stock: cpuMs(d.stock.pid),
      subgraphs: SUBGRAPHS.reduce((total, name) => total + cpuMs(d.subgraphs[name].pid), 0),
    })),
    mongo: mongoPid === null ? 0 : cpuMs(mongoPid),
  });
  const before = read();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = read();
  return {
    checkouts: Object.fromEntries(
      deployments.map((d, i) => [
        d.checkout.label,
        {
          ours: (after.checkouts[i]!.ours - before.checkouts[i]!.ours) / seconds,
          stock: (after.checkouts[i]!.stock - before.checkouts[i]!.stock) / seconds,
          subgraphs: (after.checkouts[i]!.subgraphs - before.checkouts[i]!.subgraphs) / seconds,
        },
      ]),
    ),
    mongo: mongoPid === null ? null : (after.mongo - before.mongo) / seconds,
  };
}

function printTable(
  settings: Settings,
  results: {
    operation: string;
    target: string;
    refused: string | null;
    subgraphFetches: number;
    median: Record<string, number | null> | null;
  }[],
  memory: Map<string, { gatewayRssMb: number | null; gatewayPeakMb: number | null; subgraphsRssMb: number }>,
  deployments: Deployment[],
  idle: IdleCpu,
  load: { before: number; after: number },
): void {
  const fixed = (value: number | null | undefined, digits: number) =>
    value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
  const header = [
    'operation',
    'target',
    'fetches',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'gw CPU ms/op',
    'subgraphs ms/op',
    'mongo ms/op',
    'loadgen ms/op',
    'sign ms/op',
    'failed',
  ];
  const rows = results.map((r) =>
    r.median === null
      ? [
          r.operation,
          r.target,
          String(r.subgraphFetches),
          r.refused ? 'REFUSED' : '-',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
        ]
      : [
          r.operation,
          r.target,
          String(r.subgraphFetches),
          fixed(r.median.requestsPerSecond, 1),
          fixed(r.median.p50Ms, 1),
          fixed(r.median.p95Ms, 1),
          fixed(r.median.p99Ms, 1),
          fixed(r.median.gatewayCpuMsPerOp, 2),
          fixed(r.median.subgraphCpuMsPerOp, 2),
          fixed(r.median.mongoCpuMsPerOp, 2),
          fixed(r.median.loadgenCpuMsPerOp, 2),
          fixed(r.median.signingMsPerOp, 3),
          String(r.median.failures ?? 0),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out: string[] = [];
  out.push('');
  out.push(
    `Gateway throughput: ${settings.connections} connections, ${settings.members} members, ` +
      `${settings.rounds} rounds of ${settings.duration} s (median of rounds), ${cpus().length} CPUs`,
  );
  out.push(
    `  services run ${settings.runtime === 'compiled' ? 'compiled (pnpm build, plain node)' : 'under tsx'}` +
      (Object.keys(settings.env).length > 0
        ? `; settings ${Object.entries(settings.env)
            .map(([name, value]) => `${name}=${value}`)
            .join(' ')}`
        : ''),
  );
  for (const d of deployments) {
    out.push(
      `  ${d.checkout.label}: ${d.checkout.commit.slice(0, 12)}${d.checkout.dirty ? ' + uncommitted changes' : ''}`,
    );
  }
  out.push(
    `  load average (1 min) ${load.before.toFixed(1)} before the run, ${load.after.toFixed(1)} at the end` +
      (load.before > cpus().length ? ': other work was running, figures are not comparable' : ''),
  );
  out.push('');
  out.push(line(header));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  let previous = '';
  for (const row of rows) {
    if (previous && row[0] !== previous) out.push('');
    previous = row[0]!;
    out.push(line(row));
  }
  out.push('');
  out.push('memory after the last round (VmRSS, MB):');
  for (const [target, m] of memory) {
    out.push(
      `  ${target.padEnd(14)} gateway ${fixed(m.gatewayRssMb, 0).padStart(5)} (peak ${fixed(m.gatewayPeakMb, 0)})` +
        `   five subgraphs ${fixed(m.subgraphsRssMb, 0)}`,
    );
  }
  out.push('');
  out.push('idle CPU, ms per second with no load (included in the per-operation figures above):');
  for (const d of deployments) {
    const i = idle.checkouts[d.checkout.label]!;
    out.push(
      `  ${d.checkout.label.padEnd(14)} our gateway ${fixed(i.ours, 1)}   stock gateway ${fixed(i.stock, 1)}` +
        `   five subgraphs ${fixed(i.subgraphs, 1)}`,
    );
  }
  out.push(`  MongoDB ${fixed(idle.mongo, 1)}`);
  for (const r of results.filter((r) => r.refused))
    out.push(`refused: ${r.target} ${r.operation}: ${r.refused}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
