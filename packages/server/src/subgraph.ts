import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { snakeCaseFieldResolver } from '@casino/graphql';
import type { Logger } from '@casino/logger';
import type { RequestBase } from './http';
import { createErrorFormatter, requestLoggingPlugin } from './apollo';

/** Builds the Apollo Server of a subgraph from its SDL and resolver map. */
export function createSubgraphApollo<C extends BaseContext & RequestBase>(options: {
  typeDefs: DocumentNode;
  resolvers: unknown;
  logger: Logger;
}): ApolloServer<C> {
  return new ApolloServer<C>({
    schema: buildSubgraphSchema({
      typeDefs: options.typeDefs,
      resolvers: options.resolvers as GraphQLResolverMap<unknown>,
    }),
    fieldResolver: snakeCaseFieldResolver,
    logger: options.logger,
    includeStacktraceInErrorResponses: false,
    // the process entry points own shutdown: they stop the HTTP servers, Apollo and MongoDB in order
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(options.logger),
    plugins: [requestLoggingPlugin<C>()],
  });
}
