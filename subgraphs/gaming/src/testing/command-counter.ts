import type { CommandStartedEvent } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { createLogger } from '@casino/logger';
import { connectMongo } from '@casino/mongo';
import { createSubgraphApollo, parseSubgraphEnv } from '@casino/server';
import type { RequestBase } from '@casino/server';
import type { GamingContext } from '../context';
import { gamingSubgraph } from '../index';

export interface CountedResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  /** Names of the MongoDB commands the operation sent, in order */
  commands: string[];
}

/**
 * Runs operations against the gaming subgraph with a MongoDB client of its own that has command monitoring
 * on (the shared harness connects without it), on the given database, and reports every command each
 * operation sent. Used to prove batching by measurement.
 */
export async function startCommandCountingExecutor(database: string) {
  const uri = readProcessEnv().MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest, whose global setup starts the server');
  const env = parseSubgraphEnv(gamingSubgraph, {
    MONGODB_URI: uri,
    MONGODB_DATABASE: database,
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  const logger = createLogger({ name: 'gaming', level: 'silent' });
  const mongo = await connectMongo({ uri, database, appName: 'command-count', monitorCommands: true });
  let commands: string[] = [];
  const record = (event: CommandStartedEvent) => commands.push(event.commandName);
  mongo.client.on('commandStarted', record);
  const apollo = createSubgraphApollo<GamingContext>({
    typeDefs: gamingSubgraph.typeDefs,
    resolvers: gamingSubgraph.resolvers,
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
    async execute<T = Record<string, unknown>>(
      query: string,
      variables?: Record<string, unknown>,
    ): Promise<CountedResult<T>> {
      const base: RequestBase = { requestId: 'count', clientName: 'jest', ip: null, log: logger };
      commands = [];
      const response = await apollo.executeOperation(
        { query, variables },
        { contextValue: gamingSubgraph.createContext(base, deps) },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const sent = commands;
      commands = [];
      return { ...(response.body.singleResult as Omit<CountedResult<T>, 'commands'>), commands: sent };
    },
    async close() {
      mongo.client.off('commandStarted', record);
      await apollo.stop();
      await mongo.close();
    },
  };
}
