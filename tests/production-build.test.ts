import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CALLER_NAMES, privateKeyFromSeed, publicKeyString } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { build } from '../scripts/build';
import type { BuildResult } from '../scripts/build';
import { freePort } from '../scripts/stack';

/**
 * The production output (`pnpm build`) of the gateway and one subgraph, run by plain `node` with NODE_ENV=production
 * and keys of their own, answers /health and /ready and serves GraphQL through the gateway.
 */
const out = mkdtempSync(path.join(tmpdir(), 'casino-production-'));
const running: ChildProcess[] = [];
let result: BuildResult;

/** Fresh keys, as `pnpm keys` makes them. */
function productionKeys() {
  const seeds = Object.fromEntries(CALLER_NAMES.map((name) => [name, randomBytes(32)]));
  const accessToken = randomBytes(32);
  return {
    signingKeyOf: (name: string) => seeds[name]!.toString('base64'),
    SERVICE_PUBLIC_KEYS: CALLER_NAMES.map(
      (name) => `${name}:${publicKeyString(privateKeyFromSeed(seeds[name]!))}`,
    ).join(','),
    ACCESS_TOKEN_PUBLIC_KEYS: publicKeyString(privateKeyFromSeed(accessToken)),
    DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    DATA_ENCRYPTION_KEY_ID: 'k1',
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  };
}

function start(service: string, env: Record<string, string>): { output: () => string } {
  const deployed = result.services.find((s) => s.name === service)!;
  let output = '';
  const child = spawn(process.execPath, [deployed.entry], {
    cwd: deployed.dir,
    env: { PATH: readProcessEnv().PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  running.push(child);
  return { output: () => output };
}

async function untilReady(port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not ready on ${port}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(() => {
  result = build({ out, only: ['gateway', 'loyalty'] });
}, 120_000);

afterAll(async () => {
  await Promise.all(
    running.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(null);
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(out, { recursive: true, force: true });
});

describe('production build', () => {
  it('ships compiled JavaScript with production dependencies only', () => {
    for (const service of result.services) {
      const installed = readdirSync(path.join(service.dir, 'node_modules', '.pnpm'));
      for (const tool of ['typescript@', 'tsx@', 'jest@', '@swc+core@', 'eslint@', 'smtp-server@'])
        expect(installed.filter((name) => name.startsWith(tool))).toEqual([]);
      expect(existsSync(path.join(service.dir, 'src'))).toBe(false);
      expect(existsSync(path.join(service.dir, service.entry))).toBe(true);
      // each workspace package is a compiled copy: dist/ and no TypeScript sources
      const casino = path.join(service.dir, 'node_modules', '@casino');
      for (const name of readdirSync(casino)) {
        expect(readdirSync(path.join(casino, name)).sort()).toEqual(
          expect.not.arrayContaining(['src', 'tsconfig.json']),
        );
      }
    }
  });

  it('runs the gateway and a subgraph with plain node in production, answering /health and /ready', async () => {
    const mongoUri = readProcessEnv().MONGODB_URI!;
    const keys = productionKeys();
    const [gatewayPort, loyaltyPort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // secrets given as files (NAME_FILE), as the production compose file and Kubernetes mount them
    const secrets = mkdtempSync(path.join(out, 'secrets-'));
    const secretFile = (name: string, value: string) => {
      const file = path.join(secrets, name);
      writeFileSync(file, `${value}\n`, { mode: 0o600 });
      return file;
    };
    const shared = {
      SERVICE_PUBLIC_KEYS: keys.SERVICE_PUBLIC_KEYS,
      ACCESS_TOKEN_PUBLIC_KEYS: keys.ACCESS_TOKEN_PUBLIC_KEYS,
      LOYALTY_URL: `http://127.0.0.1:${loyaltyPort}/graphql`,
      ...Object.fromEntries(
        ['GAMING', 'WORKFORCE', 'MARKETING', 'COMPLIANCE'].map((name) => [
          `${name}_URL`,
          `http://127.0.0.1:${closedPort}/graphql`,
        ]),
      ),
    };
    const loyalty = start('loyalty', {
      ...shared,
      PORT: String(loyaltyPort),
      MONGODB_URI: mongoUri,
      MONGODB_DATABASE: `production_build_${process.pid}`,
      SERVICE_SIGNING_KEY_FILE: secretFile('loyalty-signing-key', keys.signingKeyOf('loyalty')),
      DATA_ENCRYPTION_KEYS_FILE: secretFile('data-encryption-keys', keys.DATA_ENCRYPTION_KEYS),
      DATA_ENCRYPTION_KEY_ID: keys.DATA_ENCRYPTION_KEY_ID,
      BLIND_INDEX_KEY_FILE: secretFile('blind-index-key', keys.BLIND_INDEX_KEY),
    });
    const gateway = start('gateway', {
      ...shared,
      PORT: String(gatewayPort),
      SERVICE_SIGNING_KEY_FILE: secretFile('gateway-signing-key', keys.signingKeyOf('gateway')),
      DEMO_PASSWORD: randomBytes(16).toString('hex'),
    });

    await untilReady(loyaltyPort, loyalty.output);
    await untilReady(gatewayPort, gateway.output);
    for (const port of [loyaltyPort, gatewayPort]) {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
    }
    // the gateway loaded the supergraph shipped beside it and answers GraphQL
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  }, 60_000);
});
