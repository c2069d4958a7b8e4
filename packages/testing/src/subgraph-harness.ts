import { randomBytes } from 'node:crypto';
import type { BaseContext } from '@apollo/server';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import type { CommandStartedEvent, Db } from 'mongodb';
import { createLogger } from '@casino/logger';
import { connectMongo, ensureIndexes } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import type { AuditEvent } from '@casino/audit';
import { ServiceClient, developmentSigner } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { createProtector, parseSubgraphEnv, startSubgraph } from '@casino/server';
import type { RequestBase, RunningSubgraph, ServiceName, SubgraphDefinition } from '@casino/server';
import type { SubgraphEnv } from '@casino/config';
import { readProcessEnv } from '@casino/config';
import { generateKeySpec } from '@casino/crypto';
import type { FieldProtector } from '@casino/crypto';
import { startInProcessSubgraph } from './in-process-subgraph';

/**
 * Fresh data keys for one test database: random per call, so no key lives in a fixture. Pass the result
 * (possibly with an extra key and another current id) as `env` to a harness or a test stack.
 */
export function testProtectionEnv(keyId = 'test1'): {
  DATA_ENCRYPTION_KEYS: string;
  DATA_ENCRYPTION_KEY_ID: string;
  BLIND_INDEX_KEY: string;
} {
  return {
    DATA_ENCRYPTION_KEYS: generateKeySpec(keyId),
    DATA_ENCRYPTION_KEY_ID: keyId,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  };
}

/** A database name no other test file uses, so files can run in parallel against one server. */
export function uniqueDatabase(name: string): string {
  return `t${randomBytes(4).toString('hex')}_${name}`;
}

/** The identity harness operations run as unless a test says otherwise. */
export const TEST_SUPERADMIN: Identity = {
  kind: 'admin',
  userId: '00000000-0000-4000-8000-0000000000aa',
  username: 'test-superadmin',
  role: 'SuperAdmin',
  department: null,
  permissions: [],
};

export interface SubgraphHarness {
  db: Db;
  mongo: MongoConnection;
  /** The subgraph's field protector (when it holds personal data), to seal fixtures and open raw values. */
  protector: FieldProtector | undefined;
  /**
   * Audit events the operations produced, and those the subgraph's background work recorded as the service
   * (`deps.audit`), in order (the harness keeps them instead of sending them).
   */
  auditEvents: AuditEvent[];
  /**
   * Runs an operation through the subgraph's Apollo Server (no HTTP) and returns the single result with the
   * names of the MongoDB commands it sent (measured by the driver's command monitoring), in order.
   */
  execute<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { identity?: Identity; /** the client address (null unless given) */ ip?: string },
  ): Promise<HarnessResult<T>>;
  /** A subgraph's own service-only operation (`src/__generated__/operations`), as its callers send it. */
  execute<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    options?: { identity?: Identity; /** the client address (null unless given) */ ip?: string },
  ): Promise<HarnessResult<T>>;
  /** Stops the subgraph and drops its database (kept with `keepDatabase`, e.g. to restart with other keys). */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
  /**
   * Stops the subgraph, keeping its database, and starts it again on that database with `env` instead of the
   * environment it had (e.g. the next keyring of a key rotation).
   */
  restart(env: Record<string, string>): Promise<SubgraphHarness>;
}

export interface HarnessResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  commands: string[];
}

/**
 * Where a subgraph under test reaches the other subgraphs unless a test says otherwise: a closed loopback port.
 * Without it the URLs default to the supergraph's routing URLs (`localhost:4001`-`4005`), so a stack left running
 * on the default ports (`pnpm start`) would receive a test's audit deliveries and service calls.
 */
export const UNREACHABLE_SERVICE_URLS: Readonly<Record<string, string>> = Object.fromEntries(
  ['LOYALTY', 'GAMING', 'WORKFORCE', 'MARKETING', 'COMPLIANCE'].map((name) => [
    `${name}_URL`,
    'http://127.0.0.1:9/graphql',
  ]),
);

export async function startSubgraphHarness<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  options: {
    /** Clients for the other subgraphs this one calls (by default they point at nothing that answers). */
    services?: Partial<Record<ServiceName, ServiceClient>>;
    /** Extra environment (e.g. data keys from `testProtectionEnv`, or a database to reuse with `MONGODB_DATABASE`). */
    env?: Record<string, string>;
  } = {},
): Promise<SubgraphHarness> {
  const env = parseSubgraphEnv(definition, {
    MONGODB_URI: readProcessEnv().MONGODB_URI,
    MONGODB_DATABASE: uniqueDatabase(definition.name),
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...UNREACHABLE_SERVICE_URLS,
    ...testProtectionEnv(),
    ...options.env,
  });
  const logger = createLogger({ name: definition.name, level: 'silent' });
  const mongo = await connectMongo({
    uri: env.MONGODB_URI,
    database: env.MONGODB_DATABASE,
    appName: 'test',
    monitorCommands: true,
  });
  let commands: string[] = [];
  mongo.client.on('commandStarted', (event: CommandStartedEvent) => commands.push(event.commandName));
  await ensureIndexes(mongo.db, definition.indexes);
  const auditEvents: AuditEvent[] = [];
  const subgraph = await startInProcessSubgraph(definition, {
    db: mongo.db,
    env,
    logger,
    services: options.services,
    onAudit: (event) => auditEvents.push(event),
  });
  const harness: SubgraphHarness = {
    db: mongo.db,
    mongo,
    protector: subgraph.protector,
    auditEvents,
    async execute(
      query: string | DocumentNode,
      variables?: Record<string, unknown>,
      options: { identity?: Identity; ip?: string } = {},
    ) {
      commands = [];
      const result = await subgraph.execute(query, variables, options.identity ?? TEST_SUPERADMIN, {
        requestId: 'test',
        clientName: 'jest',
        ip: options.ip ?? null,
        onAudit: (event) => auditEvents.push(event),
      });
      const sent = commands;
      commands = [];
      return { ...result, commands: sent } as never;
    },
    async close(closeOptions = {}) {
      await subgraph.stop();
      if (!closeOptions.keepDatabase) await mongo.db.dropDatabase();
      await mongo.close();
    },
    async restart(restartEnv) {
      await harness.close({ keepDatabase: true });
      return startSubgraphHarness(definition, {
        services: options.services,
        env: { ...restartEnv, MONGODB_DATABASE: env.MONGODB_DATABASE },
      });
    },
  };
  return harness;
}

/**
 * The three keyrings of a key rotation, sharing one blind-index key: `before` (k1 only), `during` (k2 current,
 * k1 still readable) and `after` (k2 only, k1 retired). Fresh random keys per call.
 */
export function keyRotationEnvs(): Record<
  'before' | 'during' | 'after',
  ReturnType<typeof testProtectionEnv>
> {
  const blindIndexKey = randomBytes(32).toString('base64');
  const k1 = generateKeySpec('k1');
  const k2 = generateKeySpec('k2');
  const keyring = (spec: string, current: string) => ({
    DATA_ENCRYPTION_KEYS: spec,
    DATA_ENCRYPTION_KEY_ID: current,
    BLIND_INDEX_KEY: blindIndexKey,
  });
  return { before: keyring(k1, 'k1'), during: keyring(`${k2},${k1}`, 'k2'), after: keyring(k2, 'k2') };
}

/** A real subgraph served over HTTP on a free port, with its own database, for cross-subgraph tests. */
export interface ServedSubgraph {
  running: RunningSubgraph;
  db: Db;
  env: SubgraphEnv;
  /** Its field protector (when it holds personal data), to store fixtures exactly as it stores them */
  protector: FieldProtector | undefined;
  /** A client calling it as another subgraph's service identity, signed with that service's development key */
  clientAs(service: ServiceName): ServiceClient;
  /** Stops it and drops its database */
  stop(): Promise<void>;
}

/**
 * Starts another subgraph for real (HTTP, shield, its own indexes and background jobs) so a test reaches it
 * through a ServiceClient exactly as production does; no hand-written stand-in for its business logic.
 */
export async function startServedSubgraph<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  options: { env?: Record<string, string> } = {},
): Promise<ServedSubgraph> {
  const env = parseSubgraphEnv(definition, {
    ...UNREACHABLE_SERVICE_URLS,
    ...testProtectionEnv(),
    MONGODB_URI: readProcessEnv().MONGODB_URI,
    MONGODB_DATABASE: uniqueDatabase(definition.name),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...options.env,
  });
  const running = await startSubgraph(definition, {
    env,
    logger: createLogger({ name: definition.name, level: 'silent' }),
  });
  return {
    running,
    db: running.mongo.db,
    env,
    protector: createProtector(definition, env),
    clientAs: (service) =>
      new ServiceClient({
        url: running.url,
        target: definition.name,
        signer: developmentSigner(service),
        timeoutMs: env.SERVICE_CALL_TIMEOUT_MS,
      }),
    async stop() {
      await running.mongo.db.dropDatabase();
      await running.stop();
    },
  };
}
