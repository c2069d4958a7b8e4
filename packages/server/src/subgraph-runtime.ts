import type { BaseContext } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { Db } from 'mongodb';
import { exitOnConfigError, parseEnv, subgraphEnv } from '@casino/config';
import type { SubgraphEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { Logger } from '@casino/logger';
import { connectMongo, ensureIndexes } from '@casino/mongo';
import type { IndexPlan, MongoConnection, PagingConfig } from '@casino/mongo';
import { startHttpService } from './http';
import type { RequestBase, RunningService } from './http';
import { createSubgraphApollo } from './subgraph';

/** What a subgraph's own code needs at request time. */
export interface SubgraphDeps {
  db: Db;
  env: SubgraphEnv;
  paging: PagingConfig;
  logger: Logger;
}

/** Everything that distinguishes one subgraph from another; the runtime below does the rest. */
export interface SubgraphDefinition<C extends BaseContext & RequestBase> {
  name: string;
  defaultPort: number;
  defaultDatabase: string;
  typeDefs: DocumentNode;
  resolvers: unknown;
  indexes: IndexPlan;
  createContext(base: RequestBase, deps: SubgraphDeps): C;
}

export interface RunningSubgraph extends RunningService {
  mongo: MongoConnection;
}

export interface StartSubgraphOptions {
  env: SubgraphEnv;
  logger?: Logger;
  /** Reuse an existing connection (the caller then owns closing it). */
  mongo?: MongoConnection;
}

/** Parses a subgraph's env from a plain record, with its own defaults. */
export function parseSubgraphEnv(
  definition: Pick<SubgraphDefinition<never>, 'name' | 'defaultPort' | 'defaultDatabase'>,
  env?: Record<string, string | undefined>,
): SubgraphEnv {
  return parseEnv(
    definition.name,
    subgraphEnv({ port: definition.defaultPort, database: definition.defaultDatabase }),
    env,
  );
}

/** Connects to MongoDB, creates the indexes and serves the subgraph over HTTP. */
export async function startSubgraph<C extends BaseContext & RequestBase>(
  definition: SubgraphDefinition<C>,
  options: StartSubgraphOptions,
): Promise<RunningSubgraph> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ name: definition.name, level: env.LOG_LEVEL });
  const ownsConnection = !options.mongo;
  const mongo =
    options.mongo ??
    (await connectMongo({ uri: env.MONGODB_URI, database: env.MONGODB_DATABASE, appName: definition.name }));
  await ensureIndexes(mongo.db, definition.indexes);
  const deps: SubgraphDeps = {
    db: mongo.db,
    env,
    logger,
    paging: { defaultSize: env.DEFAULT_PAGE_SIZE, maxSize: env.MAX_PAGE_SIZE },
  };
  const service = await startHttpService<C>({
    name: definition.name,
    host: env.HOST,
    port: env.PORT,
    logger,
    apollo: createSubgraphApollo<C>({
      typeDefs: definition.typeDefs,
      resolvers: definition.resolvers,
      logger,
    }),
    context: async (base) => definition.createContext(base, deps),
    ready: () => mongo.ping(),
  });
  return {
    ...service,
    mongo,
    async stop() {
      await service.stop();
      if (ownsConnection) await mongo.close();
    },
  };
}

/** Entry point of a subgraph process: env from the process, fail fast on bad config, stop on signals. */
export async function runSubgraphProcess<C extends BaseContext & RequestBase>(
  definition: SubgraphDefinition<C>,
): Promise<void> {
  let env: SubgraphEnv;
  try {
    env = parseSubgraphEnv(definition);
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ name: definition.name, level: env.LOG_LEVEL });
  const running = await startSubgraph(definition, { env, logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
