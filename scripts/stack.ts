import type { BaseContext } from '@apollo/server';
import { complianceSubgraph, createComplianceSubgraph, parseComplianceSettings } from '@casino/compliance';
import { gamingSubgraph } from '@casino/gaming';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { DestinationStream } from 'pino';
import { loyaltySubgraph } from '@casino/loyalty';
import { marketingSubgraph } from '@casino/marketing';
import { connectMongo } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { parseSubgraphEnv, startSubgraph } from '@casino/server';
import type { RequestBase, RunningSubgraph, SubgraphDefinition } from '@casino/server';
import { createWorkforceSubgraph, parseWorkforceSettings, workforceSubgraph } from '@casino/workforce';

export const SUBGRAPH_DEFINITIONS = {
  loyalty: loyaltySubgraph,
  gaming: gamingSubgraph,
  workforce: workforceSubgraph,
  marketing: marketingSubgraph,
  compliance: complianceSubgraph,
} as const satisfies Record<string, SubgraphDefinition<BaseContext & RequestBase>>;

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
): SubgraphDefinition<BaseContext & RequestBase> {
  const settingsEnv = env ? { ...readProcessEnv(), ...env } : undefined;
  if (name === 'workforce') return createWorkforceSubgraph(parseWorkforceSettings(settingsEnv)) as never;
  if (name === 'compliance') return createComplianceSubgraph(parseComplianceSettings(settingsEnv)) as never;
  return SUBGRAPH_DEFINITIONS[name] as SubgraphDefinition<BaseContext & RequestBase>;
}

export interface StackOptions {
  mongoUri: string;
  databases?: Record<SubgraphName, string>;
  /** Extra environment for every service (secrets, tunables); the process environment is not read here. */
  env?: Record<string, string | undefined>;
  /** Port per service; 0 picks a free port. Defaults are the public contract: 4000 for the gateway, 4001-4005. */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  host?: string;
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
  stop(): Promise<void>;
}

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
    const start = async (name: SubgraphName, complianceUrl?: string) => {
      const definition = configuredDefinition(name, options.env);
      const env = parseSubgraphEnv(definition, {
        ...common,
        MONGODB_DATABASE: databases[name],
        PORT: String(options.ports?.[name] ?? definition.defaultPort),
        ...(complianceUrl ? { COMPLIANCE_URL: complianceUrl } : {}),
      });
      const mongo = await connectMongo({
        uri: env.MONGODB_URI,
        database: env.MONGODB_DATABASE,
        appName: name,
        monitorCommands: options.monitorCommands,
      });
      connections.push(mongo);
      subgraphs[name] = await startSubgraph(definition, {
        env,
        mongo,
        logger: createLogger({ name, level: env.LOG_LEVEL, destination: options.logDestination }),
      });
    };
    // compliance first: the others deliver their audit events to it
    await start('compliance');
    await Promise.all(
      SUBGRAPH_NAMES.filter((n) => n !== 'compliance').map((name) => start(name, subgraphs.compliance.url)),
    );
    const gatewayEnv = parseGatewayEnv({ ...common, PORT: String(options.ports?.gateway ?? 4000) });
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
      async stop() {
        await gateway.stop();
        await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
        await Promise.all(connections.map((c) => c.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(Object.values(subgraphs).map((s) => s.stop()));
    await Promise.allSettled(connections.map((c) => c.close()));
    throw error;
  }
}
