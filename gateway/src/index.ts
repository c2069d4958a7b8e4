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
import {
  ANONYMOUS,
  REQUEST_CREDENTIAL_HEADER,
  RedisRevocationFeed,
  RevocationList,
  complianceRevocationFeed,
  ServiceClient,
  accessTokenSettingsFromEnv,
  closeRedis,
  TokenError,
  connectRedis,
  credentialKeysFromEnv,
  signRequestCredential,
  AccessTokenVerifier,
  identityFromBearer,
} from '@casino/auth';
import type { CredentialSigner, Identity } from '@casino/auth';
import { jsonInputLimitsOf } from '@casino/config';
import type { Logger } from '@casino/logger';
import {
  CLIENT_NAME_HEADER,
  REQUEST_ID_HEADER,
  boundJsonInputs,
  createErrorFormatter,
  operationResolutionPlugin,
  rateLimitStatusPlugin,
  requestLoggingPlugin,
  serviceMetricsOf,
  startHttpService,
} from '@casino/server';
import type { RequestBase, RunningService, ServiceMetrics } from '@casino/server';
import { injectTraceContext, startTelemetry } from '@casino/telemetry';
import type { GatewayEnv, SubgraphName } from './env';
import { subgraphUrlOverrides } from './env';
import { operationLimitsOf, operationLimitsPlugin, parseOptionsOf } from './operation-limits';
import { createPersistedQueries } from './persisted-queries';
import { edgeMiddleware, gatewayRateLimits } from './edge';
import { LOGIN_DOCUMENT, explorerRoutes } from './explorer';
import { introspectionPolicyPlugin } from './introspection';
import { isUnreachable, subgraphUnavailableResponse } from './subgraph-unavailable';

export type GatewayContext = RequestBase;

/** Internal only: links a request leaving willSendRequest to the fetch that sends its final body. */
const PENDING_HEADER = 'x-casino-pending-credential';

/**
 * Forwards the caller's verified identity to a subgraph in a request credential made for exactly that
 * request (this subgraph, this body, a one-time id, a short expiry), plus the request id and client name so
 * one request can be followed through every service's logs. The body is serialised after willSendRequest,
 * so the credential is signed in the fetcher, over the exact bytes sent.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly pending = new Map<string, { identity: Identity; ip: string | null }>();
  private nextPending = 0;

  constructor(
    options: { url: string; timeoutMs: number; logger: Logger },
    private readonly subgraph: string,
    private readonly signer: CredentialSigner,
    private readonly metrics: ServiceMetrics | null = null,
    private readonly traced = false,
  ) {
    super({ url: options.url });
    this.fetcher = this.signingFetcher(options.timeoutMs, options.logger);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // requests the gateway makes on its own (none today) go out as anonymous
    const identity = 'identity' in context ? context.identity : ANONYMOUS;
    const ip = 'ip' in context ? context.ip : null;
    const ticket = String(this.nextPending++);
    this.pending.set(ticket, { identity, ip });
    headers.set(PENDING_HEADER, ticket);
    if (!('requestId' in context)) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.clientName) headers.set(CLIENT_NAME_HEADER, context.clientName);
  }

  /** A subgraph that hangs fails its part of the plan instead of holding the client's request forever. */
  private signingFetcher(timeoutMs: number, logger: Logger): Fetcher {
    return (async (url: string, init: RequestInit & { headers: Record<string, string> }) => {
      const headers = { ...init.headers };
      const ticket = headers[PENDING_HEADER];
      delete headers[PENDING_HEADER];
      const caller = ticket !== undefined ? this.pending.get(ticket) : undefined;
      if (ticket !== undefined) this.pending.delete(ticket);
      // the subgraph's server span becomes a child of this fetch's span (gateway.fetch)
      if (this.traced) injectTraceContext(headers);
      headers[REQUEST_CREDENTIAL_HEADER] = await signRequestCredential(this.signer, {
        identity: caller?.identity ?? ANONYMOUS,
        ip: caller?.ip ?? null,
        audience: this.subgraph,
        body: typeof init.body === 'string' ? init.body : '',
      });
      const fetching = fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      const sent = this.metrics ? this.metrics.timeSubgraphFetch(this.subgraph, fetching) : fetching;
      // a subgraph down or too slow: its fields become SERVICE_UNAVAILABLE errors, the rest of the plan goes on
      return sent.catch((error: unknown) => {
        if (!isUnreachable(error)) throw error;
        logger.warn(
          { err: error, subgraph: this.subgraph },
          'subgraph unreachable: its fields are SERVICE_UNAVAILABLE',
        );
        return subgraphUnavailableResponse(this.subgraph, typeof init.body === 'string' ? init.body : '');
      });
    }) as unknown as Fetcher;
  }
}

/**
 * Verifies the bearer token, if any: no token is anonymous, a bad one (or one of a revoked session) refuses
 * the whole request.
 */
function authenticateBearer(tokens: AccessTokenVerifier, revocations: RevocationList) {
  return async (req: Request): Promise<{ identity: Identity }> => {
    try {
      return { identity: await identityFromBearer(req.headers.authorization, tokens, revocations) };
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new GraphQLError(`Unauthenticated: ${error.message}`, {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  };
}

export interface GatewayOptions {
  env: GatewayEnv;
  logger: Logger;
  /** Takes precedence over env overrides; used by tests that start subgraphs on free ports. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
}

export interface RunningGateway extends RunningService {
  gateway: ApolloGateway;
  /** The ended sessions this gateway refuses (refreshed every REVOCATION_POLL_MS). */
  revocations: RevocationList;
}

export async function startGateway({ env, logger, subgraphUrls }: GatewayOptions): Promise<RunningGateway> {
  const supergraphSdl = readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const overrides = { ...subgraphUrlOverrides(env), ...subgraphUrls };
  const routing = new Map<string, string>();
  // checked when the env was parsed
  const keys = credentialKeysFromEnv('gateway', env);
  const metrics = serviceMetricsOf('gateway', env);
  // global: @apollo/gateway reports its request, plan, execute and fetch spans through the global provider
  const telemetry = startTelemetry('gateway', env, { global: true });
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService({ name, url }) {
      const target = overrides[name as SubgraphName] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}`);
      routing.set(name, target);
      return new SubgraphDataSource(
        { url: target, timeoutMs: env.SUBGRAPH_TIMEOUT_MS, logger },
        name,
        keys.signer,
        metrics,
        telemetry.enabled,
      );
    },
  });

  // the supergraph's JSON scalar accepts anything: bound it like the subgraphs do, before any planning
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => boundJsonInputs(apiSchema, jsonInputLimitsOf(env)));

  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL) : null;
  // the published operations (manifests) and the APQ store, shared by the replicas through Redis
  const persistedQueries = createPersistedQueries(env, redis);
  const operationLimits = operationLimitsOf(env);
  const production = env.NODE_ENV === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    includeStacktraceInErrorResponses: false,
    // the mode comes from the parsed settings, not process.env; introspection is decided per caller by the
    // introspection policy plugin, so Apollo's own production switch stays off
    nodeEnv: env.NODE_ENV,
    introspection: true,
    // the process entry points own shutdown: they stop the HTTP servers, Apollo and MongoDB in order
    stopOnTerminationSignals: false,
    persistedQueries: persistedQueries.apolloOption,
    parseOptions: parseOptionsOf(operationLimits),
    formatError: createErrorFormatter(logger, { hideSchemaSuggestions: production }),
    plugins: [
      requestLoggingPlugin<GatewayContext>(),
      operationLimitsPlugin<GatewayContext>(operationLimits),
      persistedQueries.plugin,
      rateLimitStatusPlugin<GatewayContext>(),
      operationResolutionPlugin<GatewayContext>(),
      introspectionPolicyPlugin<GatewayContext>({
        production,
        minRole: env.INTROSPECTION_MIN_ROLE,
        permission: env.INTROSPECTION_PERMISSION,
      }),
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, document: LOGIN_DOCUMENT }),
    ],
  });

  /**
   * Ready when the supergraph is loaded (the gateway can plan) and at least one subgraph says it is ready. Not
   * all of them: a subgraph that is down only turns its own fields into SERVICE_UNAVAILABLE errors, the same
   * on every gateway replica, so taking every replica out of the load balancer for it would turn a partial
   * outage into a total one. Only when no subgraph answers can no replica serve anything.
   */
  const ready = async () => {
    if (routing.size === 0) return false;
    const checks = [...routing.values()].map(async (graphqlUrl) => {
      const readyUrl = new URL('/ready', graphqlUrl);
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(env.READY_CHECK_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`${readyUrl.href} answered ${response.status}`);
    });
    return Promise.any(checks).then(
      () => true,
      () => false,
    );
  };

  const rateLimits = gatewayRateLimits(env, redis);
  const accessTtlMs = env.ACCESS_TOKEN_TTL_SECONDS * 1000;
  const complianceUrl = overrides.compliance ?? complianceRoutingUrl(supergraphSdl);
  const revocations = new RevocationList(
    redis
      ? new RedisRevocationFeed(redis, accessTtlMs)
      : complianceRevocationFeed(
          new ServiceClient({
            url: complianceUrl,
            target: 'compliance',
            signer: keys.signer,
            timeoutMs: env.READY_CHECK_TIMEOUT_MS,
            tracer: telemetry.tracer,
          }),
        ),
    { pollMs: env.REVOCATION_POLL_MS, retainMs: accessTtlMs, log: logger },
  );
  // compliance may start after the gateway: the first read is not awaited, later polls catch up
  void revocations.start();

  const service = await startHttpService<GatewayContext>({
    name: 'gateway',
    host: env.HOST,
    port: env.PORT,
    logger,
    apollo,
    authenticate: authenticateBearer(new AccessTokenVerifier(accessTokenSettingsFromEnv(env)), revocations),
    context: async (base) => {
      await rateLimits.checkUser(base.identity);
      return base;
    },
    ready,
    graphqlPaths: ['/', '/graphql'],
    trustProxy: env.TRUST_PROXY,
    maxBodyBytes: env.MAX_REQUEST_BODY_BYTES,
    beforeGraphql: edgeMiddleware(env, rateLimits, logger),
    routes: env.EXPLORER_ENABLED ? explorerRoutes() : undefined,
    metrics,
    telemetry,
    shutdown: { graceMs: env.SHUTDOWN_GRACE_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
  });
  return {
    ...service,
    gateway,
    revocations,
    async stop() {
      revocations.stop();
      await service.stop();
      await closeRedis(redis);
      await telemetry.shutdown();
    },
  };
}

/** Compliance's URL as the supergraph routes it (used when no override is configured). */
function complianceRoutingUrl(supergraphSdl: string): string {
  const match = /COMPLIANCE\s*@join__graph\(name:\s*"compliance",\s*url:\s*"([^"]+)"/.exec(supergraphSdl);
  if (!match) throw new Error('the supergraph names no compliance subgraph');
  return match[1]!;
}

export { parseGatewayEnv } from './env';
export type { GatewayEnv } from './env';
