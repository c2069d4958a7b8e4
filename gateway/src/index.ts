import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import {
  RedisRevocationFeed,
  RevocationList,
  complianceRevocationFeed,
  ServiceClient,
  accessTokenSettingsFromEnv,
  closeRedis,
  TokenError,
  connectRedis,
  credentialKeysFromEnv,
  AccessTokenVerifier,
  identityFromBearer,
} from '@casino/auth';
import type { Identity } from '@casino/auth';
import { jsonInputLimitsOf } from '@casino/config';
import type { Logger } from '@casino/logger';
import {
  boundJsonInputs,
  createErrorFormatter,
  operationResolutionPlugin,
  rateLimitStatusPlugin,
  requestLoggingPlugin,
  serviceMetricsOf,
  startHttpService,
} from '@casino/server';
import type { RequestBase, RunningService } from '@casino/server';
import { startTelemetry } from '@casino/telemetry';
import type { GatewayEnv, SubgraphName } from './env';
import { subgraphUrlOverrides } from './env';
import { operationLimitsOf, operationLimitsPlugin, parseOptionsOf } from './operation-limits';
import { createPersistedQueries } from './persisted-queries';
import { corsSettingsOf, edgeMiddleware, gatewayRateLimits } from './edge';
import { frontDoor } from './front-door';
import { LOGIN_DOCUMENT, explorerRoutes } from './explorer';
import { introspectionPolicyPlugin } from './introspection';
import { InflightCalls } from './inflight';
import { SubgraphDataSource } from './subgraph-data-source';
import { SubgraphHttpClient } from './subgraph-http';
import type { SubgraphReply } from './subgraph-http';

export type GatewayContext = RequestBase;

/**
 * Verifies the bearer token, if any: no token is anonymous, a bad one (or one of a revoked session) refuses
 * the whole request.
 */
function authenticateBearer(tokens: AccessTokenVerifier, revocations: RevocationList) {
  return async (req: { headers: IncomingHttpHeaders }): Promise<{ identity: Identity }> => {
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
  /**
   * Serve GraphQL POSTs through the front door (node:http ahead of Express); true unless a test compares it
   * with the Express route it stands in for.
   */
  frontDoor?: boolean;
}

export interface RunningGateway extends RunningService {
  gateway: ApolloGateway;
  /** The ended sessions this gateway refuses (refreshed every REVOCATION_POLL_MS). */
  revocations: RevocationList;
  /** The subgraph calls shared by identical concurrent queries (null when GATEWAY_INFLIGHT_DEDUP is off). */
  inflight: InflightCalls<SubgraphReply> | null;
}

export async function startGateway({
  env,
  logger,
  subgraphUrls,
  frontDoor: useFrontDoor = true,
}: GatewayOptions): Promise<RunningGateway> {
  const supergraphSdl = readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const overrides = { ...subgraphUrlOverrides(env), ...subgraphUrls };
  const routing = new Map<string, string>();
  // checked when the env was parsed
  const keys = credentialKeysFromEnv('gateway', env);
  const metrics = serviceMetricsOf('gateway', env);
  // global: @apollo/gateway reports its request, plan, execute and fetch spans through the global provider
  const telemetry = startTelemetry('gateway', env, { global: true });
  // one keep-alive client and one in-flight table for every subgraph
  const client = new SubgraphHttpClient(env.SUBGRAPH_TIMEOUT_MS);
  const inflight = env.GATEWAY_INFLIGHT_DEDUP ? new InflightCalls<SubgraphReply>() : null;
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService({ name, url }) {
      const target = overrides[name as SubgraphName] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}`);
      routing.set(name, target);
      return new SubgraphDataSource({
        url: target,
        subgraph: name,
        signer: keys.signer,
        client,
        logger,
        metrics,
        traced: telemetry.enabled,
        inflight,
      });
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

  const authenticate = authenticateBearer(
    new AccessTokenVerifier(accessTokenSettingsFromEnv(env)),
    revocations,
  );
  const context = async (base: RequestBase) => {
    await rateLimits.checkUser(base.identity);
    return base;
  };
  const graphqlPaths = ['/', '/graphql'];
  const service = await startHttpService<GatewayContext>({
    name: 'gateway',
    host: env.HOST,
    port: env.PORT,
    logger,
    apollo,
    authenticate,
    context,
    ready,
    graphqlPaths,
    trustProxy: env.TRUST_PROXY,
    maxBodyBytes: env.MAX_REQUEST_BODY_BYTES,
    beforeGraphql: edgeMiddleware(env, rateLimits, logger),
    frontDoor: useFrontDoor
      ? frontDoor<GatewayContext>({
          apollo,
          paths: graphqlPaths,
          maxBodyBytes: env.MAX_REQUEST_BODY_BYTES,
          cors: corsSettingsOf(env),
          compressionThresholdBytes: env.COMPRESSION_THRESHOLD_BYTES,
          limits: rateLimits,
          logger,
          authenticate,
          context,
          telemetry,
        })
      : undefined,
    routes: env.EXPLORER_ENABLED ? explorerRoutes() : undefined,
    metrics,
    telemetry,
    shutdown: { graceMs: env.SHUTDOWN_GRACE_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
  });
  return {
    ...service,
    gateway,
    revocations,
    inflight,
    async stop() {
      revocations.stop();
      await service.stop();
      client.close();
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
