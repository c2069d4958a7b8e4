import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, IDENTITY_HEADER, TokenError, signIdentity, verifyAccessToken } from '@casino/auth';
import type { Identity, TokenSettings } from '@casino/auth';
import type { Logger } from '@casino/logger';
import {
  CLIENT_NAME_HEADER,
  REQUEST_ID_HEADER,
  createErrorFormatter,
  requestLoggingPlugin,
  startHttpService,
} from '@casino/server';
import type { RequestBase, RunningService } from '@casino/server';
import type { GatewayEnv, SubgraphName } from './env';
import { subgraphUrlOverrides } from './env';

export type GatewayContext = RequestBase;

/**
 * Forwards the caller's verified identity in a header signed for the subgraphs, plus the request id and
 * client name so one request can be followed through every service's logs.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly identity: { secret: string; ttlSeconds: number },
  ) {
    super(options);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // requests the gateway makes on its own (none today) go out as anonymous
    const identity = 'identity' in context ? context.identity : ANONYMOUS;
    headers.set(IDENTITY_HEADER, signIdentity(identity, this.identity.secret, this.identity.ttlSeconds));
    if (!('requestId' in context)) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.clientName) headers.set(CLIENT_NAME_HEADER, context.clientName);
  }
}

/** Verifies the bearer token, if any: no token is anonymous, a bad one refuses the whole request. */
function authenticateBearer(settings: TokenSettings) {
  return async (req: Request): Promise<Identity> => {
    const header = req.headers.authorization;
    if (!header) return ANONYMOUS;
    const match = /^Bearer (\S+)$/i.exec(header);
    try {
      if (!match) throw new TokenError('expected a Bearer token');
      return await verifyAccessToken(match[1]!, settings);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new GraphQLError(`Unauthenticated: ${error.message}`, {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  };
}

/** A subgraph that hangs fails its part of the plan instead of holding the client's request forever. */
function timeoutFetcher(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}

export interface GatewayOptions {
  env: GatewayEnv;
  logger: Logger;
  /** Takes precedence over env overrides; used by tests that start subgraphs on free ports. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
}

export interface RunningGateway extends RunningService {
  gateway: ApolloGateway;
}

export async function startGateway({ env, logger, subgraphUrls }: GatewayOptions): Promise<RunningGateway> {
  const supergraphSdl = readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const overrides = { ...subgraphUrlOverrides(env), ...subgraphUrls };
  const routing = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService({ name, url }) {
      const target = overrides[name as SubgraphName] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}`);
      routing.set(name, target);
      return new SubgraphDataSource(
        { url: target, fetcher: timeoutFetcher(env.SUBGRAPH_TIMEOUT_MS) },
        { secret: env.IDENTITY_SIGNING_SECRET, ttlSeconds: env.IDENTITY_HEADER_TTL_SECONDS },
      );
    },
  });

  const production = env.NODE_ENV === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    includeStacktraceInErrorResponses: false,
    // the process entry points own shutdown: they stop the HTTP servers, Apollo and MongoDB in order
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger),
    plugins: [
      requestLoggingPlugin<GatewayContext>(),
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  });

  /** Ready when every subgraph says it is ready (which in turn means its MongoDB answers). */
  const ready = async () => {
    if (routing.size === 0) return false;
    const checks = [...routing.values()].map(async (graphqlUrl) => {
      const readyUrl = new URL('/ready', graphqlUrl);
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(env.READY_CHECK_TIMEOUT_MS) });
      return response.ok;
    });
    const results = await Promise.allSettled(checks);
    return results.every((r) => r.status === 'fulfilled' && r.value);
  };

  const service = await startHttpService<GatewayContext>({
    name: 'gateway',
    host: env.HOST,
    port: env.PORT,
    logger,
    apollo,
    authenticate: authenticateBearer({
      secret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    }),
    context: async (base) => base,
    ready,
    graphqlPaths: ['/', '/graphql'],
  });
  return { ...service, gateway };
}

export { parseGatewayEnv } from './env';
export type { GatewayEnv } from './env';
