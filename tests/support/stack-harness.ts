import { createLogger } from '@casino/logger';
import { REQUEST_CREDENTIAL_HEADER, developmentSigner, signRequestCredential } from '@casino/auth';
import type { AdminIdentity, Identity } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { MongoClient } from 'mongodb';
import type { DestinationStream } from 'pino';
import { seedAll } from '../../scripts/seed-all';
import { SUBGRAPH_NAMES, startStack } from '../../scripts/stack';
import type { Stack, SubgraphName } from '../../scripts/stack';
import { IDENTITIES, SEED_NOW, testProtectionEnv, tokenFor, uniqueDatabase } from '@casino/testing';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestStack extends Stack {
  mongoUri: string;
  databases: Record<SubgraphName, string>;
  /**
   * POSTs an operation to the gateway (or another GraphQL URL) over real HTTP, as `as` (an access token is
   * issued for it) or with an explicit `token`; anonymous otherwise.
   */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: {
      url?: string;
      headers?: Record<string, string>;
      as?: AdminIdentity;
      token?: string;
      /**
       * Calls a subgraph directly (its `url`) with a request credential the gateway would make for exactly
       * this request: signed with the gateway's development key, for that subgraph, over this body.
       */
      signedAs?: Identity;
    },
  ): Promise<GraphQLResponse<T> & { headers: Headers; status: number }>;
  /** An access token for an identity, signed as compliance signs them at login. */
  tokenFor(identity: AdminIdentity): Promise<string>;
  /**
   * Another gateway replica on this stack's subgraphs (a free port, silent), with extra settings and, for a
   * test that taps the wire, other URLs for some subgraphs. The caller stops it.
   */
  startGateway(options?: {
    env?: Record<string, string>;
    subgraphUrls?: Partial<Record<SubgraphName, string>>;
  }): Promise<RunningGateway>;
  /** Stops every service and drops the databases, unless kept (to start another stack on them). */
  stop(options?: { keepDatabases?: boolean }): Promise<void>;
}

export { IDENTITIES, SEED_NOW, tokenFor };

/**
 * The five subgraphs and the gateway on free ports, in fresh databases of the suite's MongoDB (the embedded
 * server unless MONGODB_URI is set), optionally seeded with demo data. `stop()` also drops the databases.
 */
export async function startTestStack(
  options: {
    seedMembers?: number;
    monitorCommands?: boolean;
    logDestination?: DestinationStream;
    /** Settings for every service (tunables such as dispatcher intervals). */
    env?: Record<string, string>;
    /** Databases of an earlier stack (stopped with `keepDatabases`) to start on instead of fresh ones. */
    databases?: Record<SubgraphName, string>;
  } = {},
): Promise<TestStack> {
  const mongoUri = readProcessEnv().MONGODB_URI!;
  // fresh data keys per stack unless the test brings its own (e.g. to restart with a rotated keyring)
  const env = { ...testProtectionEnv(), ...options.env };
  const databases =
    options.databases ??
    (Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, uniqueDatabase(n)])) as Record<SubgraphName, string>);
  if (options.seedMembers) {
    await seedAll({
      mongoUri,
      databases,
      members: options.seedMembers,
      now: SEED_NOW,
      demoPassword: 'demo-password-2026',
      protection: env,
      logger: createLogger({ name: 'seed', level: 'silent' }),
    });
  }
  const stack = await startStack({
    mongoUri,
    databases,
    ports: { gateway: 0, loyalty: 0, gaming: 0, workforce: 0, marketing: 0, compliance: 0 },
    host: '127.0.0.1',
    logLevel: options.logDestination ? 'info' : 'silent',
    nodeEnv: 'test',
    monitorCommands: options.monitorCommands,
    logDestination: options.logDestination,
    env,
  });
  const subgraphAt = (url: string): string => {
    const name = SUBGRAPH_NAMES.find((n) => stack.subgraphs[n].url === url);
    if (!name) throw new Error(`${url} is not one of this stack's subgraphs`);
    return name;
  };
  return {
    ...stack,
    mongoUri,
    databases,
    tokenFor,
    startGateway: (gatewayOptions = {}) =>
      startGateway({
        env: parseGatewayEnv({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: '0',
          ...gatewayOptions.env,
        }),
        logger: createLogger({ name: 'gateway', level: 'silent' }),
        subgraphUrls: {
          ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.subgraphs[name].url])),
          ...gatewayOptions.subgraphUrls,
        },
      }),
    async query(query, variables, requestOptions = {}) {
      const token =
        requestOptions.token ?? (requestOptions.as ? await tokenFor(requestOptions.as) : undefined);
      const url = requestOptions.url ?? stack.gateway.url;
      const body = JSON.stringify({ query, variables });
      const credential: Record<string, string> = requestOptions.signedAs
        ? {
            [REQUEST_CREDENTIAL_HEADER]: await gatewayCredential(
              requestOptions.signedAs,
              subgraphAt(url),
              body,
            ),
          }
        : {};
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...credential,
          ...requestOptions.headers,
        },
        body,
      });
      const answer = (await response.json()) as GraphQLResponse<never>;
      return { ...answer, headers: response.headers, status: response.status };
    },
    async stop(stopOptions = {}) {
      await stack.stop();
      if (stopOptions.keepDatabases) return;
      const client = await MongoClient.connect(mongoUri);
      for (const name of Object.values(databases)) await client.db(name).dropDatabase();
      await client.close();
    },
  };
}

/** A request credential as the gateway makes it (development key) for one request to `subgraph`. */
export function gatewayCredential(identity: Identity, subgraph: string, body: string): Promise<string> {
  return signRequestCredential(developmentSigner('gateway'), { identity, audience: subgraph, body });
}
