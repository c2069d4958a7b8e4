import { randomBytes } from 'node:crypto';
import type { BaseContext } from '@apollo/server';
import type { CommandStartedEvent, Db } from 'mongodb';
import { createLogger } from '@casino/logger';
import { connectMongo, ensureIndexes } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { createSubgraphApollo, parseSubgraphEnv } from '@casino/server';
import type { RequestBase, SubgraphDefinition } from '@casino/server';
import { readProcessEnv } from '@casino/config';

/** A database name no other test file uses, so files can run in parallel against one server. */
export function uniqueDatabase(name: string): string {
  return `t${randomBytes(4).toString('hex')}_${name}`;
}

export interface SubgraphHarness {
  db: Db;
  mongo: MongoConnection;
  /**
   * Runs an operation through the subgraph's Apollo Server (no HTTP) and returns the single result with the
   * names of the MongoDB commands it sent (measured by the driver's command monitoring), in order.
   */
  execute<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data?: T | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    commands: string[];
  }>;
  close(): Promise<void>;
}

export async function startSubgraphHarness<C extends BaseContext & RequestBase>(
  definition: SubgraphDefinition<C>,
): Promise<SubgraphHarness> {
  const env = parseSubgraphEnv(definition, {
    MONGODB_URI: readProcessEnv().MONGODB_URI,
    MONGODB_DATABASE: uniqueDatabase(definition.name),
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
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
  const apollo = createSubgraphApollo<C>({
    typeDefs: definition.typeDefs,
    resolvers: definition.resolvers,
    logger,
  });
  await apollo.start();
  const deps = {
    db: mongo.db,
    env,
    logger,
    paging: { defaultSize: env.DEFAULT_PAGE_SIZE, maxSize: env.MAX_PAGE_SIZE },
  };
  return {
    db: mongo.db,
    mongo,
    async execute(query, variables) {
      const base: RequestBase = { requestId: 'test', clientName: 'jest', ip: null, log: logger };
      commands = [];
      const response = await apollo.executeOperation(
        { query, variables },
        { contextValue: definition.createContext(base, deps) },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const sent = commands;
      commands = [];
      return { ...response.body.singleResult, commands: sent } as never;
    },
    async close() {
      await apollo.stop();
      await mongo.db.dropDatabase();
      await mongo.close();
    },
  };
}
