import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { parse } from 'yaml';
import { isSecret, serviceSchemas } from '../scripts/config-docs';
import type { ServiceName } from '../scripts/config-docs';

/**
 * docker-compose.yml is how users run the full stack, and no engine runs here to try it: this keeps the
 * development defaults it hands every service identical to the ones the code knows (and refuses in production).
 */
describe('docker-compose.yml', () => {
  const compose = readFileSync(path.resolve(__dirname, '../docker-compose.yml'), 'utf8');

  it.each(Object.entries(DEV_PROTECTION_ENV))(
    'defaults %s to the development value the services recognise',
    (name, value) => {
      expect(compose).toContain(`${name}: \${${name}:-${value}}`);
    },
  );

  it('starts every service the stack has', () => {
    for (const service of [
      'loyalty',
      'gaming',
      'workforce',
      'marketing',
      'compliance',
      'gateway',
      'seed',
      'mongo',
    ]) {
      expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    }
  });
});

describe('docker-compose.yml exposure', () => {
  const compose = readFileSync(path.resolve(__dirname, '../docker-compose.yml'), 'utf8');

  it('publishes only the gateway port: MongoDB, Redis and the subgraphs stay on the compose network', () => {
    expect([...compose.matchAll(/^\s+ports: \[(.*)\]$/gm)].map((m) => m[1])).toEqual(["'4000:4000'"]);
  });

  it.each(['loyalty', 'gaming', 'workforce', 'marketing', 'compliance', 'gateway'])(
    'gives %s a signing key of its own',
    (service) => {
      const block = compose.split(/^ {2}(?=\w)/m).find((b) => b.startsWith(`${service}:`))!;
      expect(block).toContain(`SERVICE_SIGNING_KEY: '\${${service.toUpperCase()}_SIGNING_KEY:-}'`);
    },
  );
});

describe('docker-compose.prod.yml', () => {
  const read = (file: string) => readFileSync(path.resolve(__dirname, '..', file), 'utf8');
  type Service = {
    environment?: Record<string, string>;
    secrets?: Array<string | { source: string; target: string }>;
    ports?: string[];
    command?: string[];
    entrypoint?: string[];
    healthcheck?: { test: string[] };
    build?: { target: string };
    profiles?: string[];
    depends_on?: Record<string, unknown>;
  };
  type Compose = { services: Record<string, Service>; secrets?: Record<string, { file: string }> };
  const base = parse(read('docker-compose.yml'), { merge: true }) as Compose;
  // `!override` (a value replacing the base file's instead of merging with it) reads here as its plain value
  const override = parse(read('docker-compose.prod.yml'), { merge: true, logLevel: 'error' }) as Compose;
  /** What compose runs with both files: the override's variables over the base's, secrets added. */
  const merged = (name: string): Service => {
    const under = base.services[name]!;
    const over = override.services[name] ?? {};
    return {
      ...under,
      ...over,
      environment: { ...under.environment, ...over.environment },
      secrets: [...(under.secrets ?? []), ...(over.secrets ?? [])],
      ports: [...(under.ports ?? []), ...(over.ports ?? [])],
    };
  };
  const mountedAt = (secret: string | { source: string; target: string }) =>
    typeof secret === 'string' ? [secret, secret] : [secret.source, secret.target];
  const apps = Object.keys(base.services).filter((name) => base.services[name]!.build);
  const schemas = serviceSchemas();
  const readBy = (name: string) =>
    new Set(
      schemas[(name === 'seed' ? 'stack' : name) as ServiceName].flatMap((shape) => Object.keys(shape)),
    );

  it('runs every service of ours in production, from its own image target', () => {
    expect(apps.sort()).toEqual(
      ['seed', 'gateway', 'loyalty', 'gaming', 'workforce', 'marketing', 'compliance'].sort(),
    );
    for (const name of apps) {
      expect(merged(name).build?.target).toBe(name);
      expect(merged(name).environment?.NODE_ENV).toBe('production');
    }
  });

  it('seeds no demo data unless asked (a profile), and the gateway does not wait for it', () => {
    expect(override.services.seed?.profiles).toEqual(['demo-data']);
    expect(read('docker-compose.prod.yml')).toMatch(/^ {4}depends_on: !override$/m);
    expect(Object.keys(merged('gateway').depends_on ?? {}).sort()).toEqual(
      ['loyalty', 'gaming', 'workforce', 'marketing', 'compliance'].sort(),
    );
  });

  it('publishes only the gateway', () => {
    for (const name of Object.keys(base.services))
      expect([name, merged(name).ports]).toEqual([name, name === 'gateway' ? ['4000:4000'] : []]);
  });

  it.each(['seed', 'gateway', 'loyalty', 'gaming', 'workforce', 'marketing', 'compliance'])(
    '%s: every secret it reads comes from a mounted file, none has a value or a default',
    (name) => {
      const service = merged(name);
      const env = service.environment!;
      const mounted = new Map(
        service.secrets!.map((s) => mountedAt(s)).map(([source, target]) => [target, source]),
      );
      const given = new Set(Object.keys(env).map((variable) => variable.replace(/_FILE$/, '')));
      const secrets = [...readBy(name)].filter((variable) => isSecret(variable) && given.has(variable));
      expect(secrets.length).toBeGreaterThan(2);
      for (const variable of secrets) {
        expect({ variable, value: env[variable] ?? '' }).toEqual({ variable, value: '' });
        const file = env[`${variable}_FILE`];
        expect({ variable, file }).toEqual({ variable, file: expect.stringMatching(/^\/run\/secrets\//) });
        const source = mounted.get(file!.slice('/run/secrets/'.length));
        expect({ variable, source }).toEqual({ variable, source: expect.any(String) });
        expect(override.secrets?.[source!]?.file).toMatch(/^\$\{CASINO_SECRETS_DIR:\?[^}]+\}\/[\w-]+$/);
      }
      // each service signs with a key of its own
      if (name !== 'seed') expect(mounted.get('signing-key')).toBe(`${name}-signing-key`);
      // the settings compose must not guess are required, with no default
      for (const [variable, value] of Object.entries(override.services[name]?.environment ?? {}))
        if (value.includes('${'))
          expect({ variable, value }).toEqual({ variable, value: expect.stringMatching(/^\$\{\w+:\?/) });
    },
  );

  it('turns on MongoDB authentication and a Redis password, both from secret files', () => {
    const mongo = merged('mongo');
    expect(mongo.environment).toMatchObject({
      MONGO_INITDB_ROOT_USERNAME_FILE: '/run/secrets/mongo-root-username',
      MONGO_INITDB_ROOT_PASSWORD_FILE: '/run/secrets/mongo-root-password',
    });
    expect(mongo.command).toEqual(expect.arrayContaining(['--keyFile', '--replSet']));
    expect(mongo.entrypoint?.join(' ')).toContain('/run/secrets/mongo-keyfile');
    expect(mongo.healthcheck?.test.join(' ')).toContain('/run/secrets/mongo-root-password');
    const redis = merged('redis');
    expect(redis.command?.join(' ')).toContain('requirepass');
    expect(redis.command?.join(' ')).toContain('/run/secrets/redis-password');
    expect(redis.healthcheck?.test.join(' ')).toContain('REDISCLI_AUTH');
    // everything mounted is declared, and every declared secret is a file in CASINO_SECRETS_DIR
    const used = new Set(
      Object.keys(base.services).flatMap((name) => merged(name).secrets!.map((s) => mountedAt(s)[0]!)),
    );
    expect([...used].sort()).toEqual(Object.keys(override.secrets ?? {}).sort());
  });
});
