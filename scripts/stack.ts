import { randomBytes } from 'node:crypto';
import { complianceSubgraph, createComplianceSubgraph, parseComplianceSettings } from '@casino/compliance';
import { createGamingSubgraph, gamingSubgraph, parseGamingSettings } from '@casino/gaming';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { CALLER_NAMES, privateKeyFromSeed, publicKeyString } from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { DestinationStream } from 'pino';
import { createLoyaltySubgraph, loyaltySubgraph, parseLoyaltySettings } from '@casino/loyalty';
import { createMarketingSubgraph, marketingSubgraph, parseMarketingSettings } from '@casino/marketing';
import { connectMongo } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { freePort, parseSubgraphEnv, startSubgraph } from '@casino/server';
import { tracingEnabled } from '@casino/telemetry';
import type { AnySubgraphDefinition, RunningSubgraph } from '@casino/server';
import { createWorkforceSubgraph, parseWorkforceSettings, workforceSubgraph } from '@casino/workforce';

export const SUBGRAPH_DEFINITIONS = {
  loyalty: loyaltySubgraph,
  gaming: gamingSubgraph,
  workforce: workforceSubgraph,
  marketing: marketingSubgraph,
  compliance: complianceSubgraph,
} as const satisfies Record<string, AnySubgraphDefinition>;

export type SubgraphName = keyof typeof SUBGRAPH_DEFINITIONS;
export const SUBGRAPH_NAMES = Object.keys(SUBGRAPH_DEFINITIONS) as SubgraphName[];

export function defaultDatabases(prefix = 'casino'): Record<SubgraphName, string> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, `${prefix}_${name}`])) as Record<
    SubgraphName,
    string
  >;
}

/** The subgraphs with settings of their own read them from the given environment (or the process's). */
function configuredDefinition(
  name: SubgraphName,
  env?: Record<string, string | undefined>,
): AnySubgraphDefinition {
  const settingsEnv = env ? { ...readProcessEnv(), ...env } : undefined;
  if (name === 'workforce') return createWorkforceSubgraph(parseWorkforceSettings(settingsEnv));
  if (name === 'compliance') return createComplianceSubgraph(parseComplianceSettings(settingsEnv));
  if (name === 'loyalty') return createLoyaltySubgraph(parseLoyaltySettings(settingsEnv));
  if (name === 'marketing') return createMarketingSubgraph(parseMarketingSettings(settingsEnv));
  if (name === 'gaming') return createGamingSubgraph(parseGamingSettings(settingsEnv));
  return SUBGRAPH_DEFINITIONS[name];
}

export interface StackOptions {
  mongoUri: string;
  databases?: Record<SubgraphName, string>;
  /** Extra environment for every service (secrets, tunables); the process environment is not read here. */
  env?: Record<string, string | undefined>;
  /** Port per service; 0 picks a free port. Defaults are the public contract: 4000 for the gateway, 4001-4005. */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  /** Where the gateway listens (all interfaces by default); the subgraphs listen on loopback only. */
  host?: string;
  /**
   * Fresh key pairs for the request credentials at every start (held in memory, never written), instead of
   * the public development keys or keys from the environment: the one-process stack needs no key set-up.
   */
  ephemeralKeys?: boolean;
  logLevel?: string;
  nodeEnv?: 'development' | 'test' | 'production';
  /** Open each subgraph's MongoDB connection with command monitoring (tests count commands with it). */
  monitorCommands?: boolean;
  /** Where every service writes its JSON log lines (stdout by default). */
  logDestination?: DestinationStream;
}

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** Takes one subgraph off the network (its port refuses connections) until `startSubgraphAgain`. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Brings a stopped subgraph back on the same port and database. */
  startSubgraphAgain(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/** A key pair per caller for this run only, as each service's SERVICE_SIGNING_KEY and SERVICE_PUBLIC_KEYS. */
function ephemeralCredentialKeys(): Record<
  SubgraphName | 'gateway',
  { SERVICE_SIGNING_KEY: string; SERVICE_PUBLIC_KEYS: string }
> {
  const seeds = Object.fromEntries(CALLER_NAMES.map((name) => [name, randomBytes(32)]));
  const publicKeys = CALLER_NAMES.map(
    (name) => `${name}:${publicKeyString(privateKeyFromSeed(seeds[name]!))}`,
  ).join(',');
  return Object.fromEntries(
    CALLER_NAMES.map((name) => [
      name,
      { SERVICE_SIGNING_KEY: seeds[name]!.toString('base64'), SERVICE_PUBLIC_KEYS: publicKeys },
    ]),
  ) as never;
}

/** The stack's scripts and benches take their free ports from here. */
export { freePort };

/** Starts the five subgraphs and the gateway in this process, each on its own HTTP port. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const databases = options.databases ?? defaultDatabases();
  const common = {
    ...options.env,
    MONGODB_URI: options.mongoUri,
    HOST: options.host ?? '0.0.0.0',
    LOG_LEVEL: options.logLevel ?? 'info',
    NODE_ENV: options.nodeEnv ?? 'development',
  };
  const connections: MongoConnection[] = [];
  const subgraphs = {} as Record<SubgraphName, RunningSubgraph>;
  try {
    // every port is fixed before anything starts, so each subgraph knows where the others answer
    const ports = {} as Record<SubgraphName, number>;
    for (const name of SUBGRAPH_NAMES) {
      const wanted = options.ports?.[name] ?? SUBGRAPH_DEFINITIONS[name].defaultPort;
      ports[name] = wanted === 0 ? await freePort() : wanted;
    }
    // in one process the subgraphs are reached over loopback only: nothing but the gateway is exposed
    const serviceUrls = Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[name]}/graphql`]),
    );
    const keys = options.ephemeralKeys ? ephemeralCredentialKeys() : null;
    const stopped = new Set<SubgraphName>();
    const start = async (name: SubgraphName) => {
      const definition = configuredDefinition(name, options.env);
      const env = parseSubgraphEnv(definition, {
        ...common,
        ...serviceUrls,
        ...keys?.[name],
        HOST: '127.0.0.1',
        MONGODB_DATABASE: databases[name],
        PORT: String(ports[name]),
      });
      const mongo = await connectMongo({
        uri: env.MONGODB_URI,
        database: env.MONGODB_DATABASE,
        appName: name,
        // the service's metrics time every command (METRICS_ENABLED) and its traces have a span for each
        monitorCommands: options.monitorCommands ?? (env.METRICS_ENABLED || tracingEnabled(env)),
      });
      connections.push(mongo);
      subgraphs[name] = await startSubgraph(definition, {
        env,
        mongo,
        logger: createLogger({ name, level: env.LOG_LEVEL, destination: options.logDestination }),
      });
    };
    await Promise.all(SUBGRAPH_NAMES.map((name) => start(name)));
    const gatewayEnv = parseGatewayEnv({
      ...common,
      ...keys?.gateway,
      PORT: String(options.ports?.gateway ?? 4000),
    });
    const gateway = await startGateway({
      env: gatewayEnv,
      logger: createLogger({
        name: 'gateway',
        level: gatewayEnv.LOG_LEVEL,
        destination: options.logDestination,
      }),
      subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphs[name].url])),
    });
    return {
      gateway,
      subgraphs,
      async stopSubgraph(name) {
        if (stopped.has(name)) return;
        stopped.add(name);
        await subgraphs[name].stop();
      },
      async startSubgraphAgain(name) {
        if (!stopped.has(name)) return;
        stopped.delete(name);
        await start(name);
      },
      async stop() {
        await gateway.stop();
        await Promise.all(
          SUBGRAPH_NAMES.filter((name) => !stopped.has(name)).map((name) => subgraphs[name].stop()),
        );
        await Promise.all(connections.map((c) => c.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(Object.values(subgraphs).map((s) => s.stop()));
    await Promise.allSettled(connections.map((c) => c.close()));
    throw error;
  }
}
