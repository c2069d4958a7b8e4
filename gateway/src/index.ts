import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { IncomingHttpHeaders } from 'node:http';
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
import { corsSettingsOf, edgeMiddleware, gatewayRateLimits } from './edge';
import { frontDoor } from './front-door';
import { LOGIN_DOCUMENT, explorerRoutes } from './explorer';
import { introspectionPolicyPlugin } from './introspection';
import { InflightCalls, callerScope, isQueryOperation } from './inflight';
import { isUnreachable, subgraphUnavailableBody } from './subgraph-unavailable';
import { SubgraphHttpClient } from './subgraph-http';
import type { SubgraphReply } from './subgraph-http';

export type GatewayContext = RequestBase;

/** What one subgraph call brings back, whichever request started it. */
type SubgraphExchange = SubgraphReply;
type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

interface SubgraphDataSourceOptions {
  url: string;
  subgraph: string;
  signer: CredentialSigner;
  client: SubgraphHttpClient;
  logger: Logger;
  metrics: ServiceMetrics | null;
  traced: boolean;
  /** Identical concurrent queries of one caller share a call (GATEWAY_INFLIGHT_DEDUP); null when off. */
  inflight: InflightCalls<SubgraphExchange> | null;
}

/**
 * Sends the query planner's requests to one subgraph. Each carries the caller's verified identity in a request
 * credential made for exactly that request (this subgraph, the exact body bytes, a one-time id, a short
 * expiry), plus the request id and client name so one request can be followed through every service's logs.
 *
 * With in-flight deduplication, a query identical to one already on its way to this subgraph for the same
 * caller (same identity and address, same body) waits for that call instead of making its own: the call is
 * made once, with one credential, and each waiter reads its own copy of the answer. Mutations never share.
 *
 * The same contract as @apollo/gateway's RemoteGraphQLDataSource (its errors for non-2xx answers, the
 * subgraph's Cache-Control hint), without its node-fetch Headers and Request per call.
 */
class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphDataSourceOptions) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const { http, ...graphqlRequest } = request;
    const body = JSON.stringify(graphqlRequest);
    // an operation of a client's request; those the gateway would make on its own (none today) go anonymous
    const incoming = 'incomingRequestContext' in options ? options : null;
    const context = incoming?.context ?? null;
    const identity = context && 'identity' in context ? context.identity : ANONYMOUS;
    const ip = context && 'ip' in context ? context.ip : null;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (http?.headers) for (const [name, value] of http.headers) headers[name] = value;
    if (context && 'requestId' in context) {
      headers[REQUEST_ID_HEADER] = context.requestId;
      if (context.clientName) headers[CLIENT_NAME_HEADER] = context.clientName;
    }
    // the subgraph's server span becomes a child of this fetch's span (gateway.fetch)
    if (this.options.traced) injectTraceContext(headers);

    const { inflight } = this.options;
    const exchange =
      inflight && context && isQueryOperation(request.query)
        ? inflight.share(`${callerScope(identity, ip)}\u0000${body}`, () =>
            this.exchange(headers, body, identity, ip),
          )
        : this.exchange(headers, body, identity, ip);
    const reply = await exchange;
    const parsed = parseReply(reply);
    if (!reply.ok) throw errorFromReply(reply, parsed);
    if (typeof parsed !== 'object' || parsed === null) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    if (incoming) {
      restrictCachePolicy(
        incoming.incomingRequestContext.overallCachePolicy,
        reply.headers.get('cache-control'),
      );
    }
    return { ...(parsed as GatewayGraphQLResponse), http: reply as unknown as FetcherResponse };
  }

  /** Signs the credential over the exact body and sends it; a subgraph that cannot be reached fails its part. */
  private async exchange(
    headers: Record<string, string>,
    body: string,
    identity: Identity,
    ip: string | null,
  ): Promise<SubgraphExchange> {
    const { subgraph, signer, client, metrics, logger } = this.options;
    const signed = {
      ...headers,
      [REQUEST_CREDENTIAL_HEADER]: await signRequestCredential(signer, {
        identity,
        ip,
        audience: subgraph,
        body,
      }),
    };
    const sending = client.post(this.options.url, signed, body);
    // timeSubgraphFetch reads only `ok` of what it times
    const sent = metrics
      ? (metrics.timeSubgraphFetch(
          subgraph,
          sending as unknown as Promise<Response>,
        ) as unknown as Promise<SubgraphReply>)
      : sending;
    // a subgraph down or too slow: its fields become SERVICE_UNAVAILABLE errors, the rest of the plan goes on
    return sent.catch((error: unknown) => {
      if (!isUnreachable(error)) throw error;
      logger.warn({ err: error, subgraph }, 'subgraph unreachable: its fields are SERVICE_UNAVAILABLE');
      return unavailableReply(this.options.url, subgraphUnavailableBody(subgraph, body));
    });
  }
}

const JSON_CONTENT = /^application\/(graphql-response\+)?json/;

/** The answer's body as RemoteGraphQLDataSource reads it: JSON when the subgraph says so, else text. */
function parseReply(reply: SubgraphReply): unknown {
  const contentType = reply.headers.get('content-type');
  return contentType && JSON_CONTENT.test(contentType) ? JSON.parse(reply.text) : reply.text;
}

/** RemoteGraphQLDataSource's error for a non-2xx answer: `401: Unauthorized`, the answer in extensions. */
function errorFromReply(reply: SubgraphReply, body: unknown): GraphQLError {
  const code = reply.status === 401 ? 'UNAUTHENTICATED' : reply.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${reply.status}: ${reply.statusText}`, {
    extensions: {
      response: { url: reply.url, status: reply.status, statusText: reply.statusText, body },
      ...(code ? { code } : {}),
    },
  });
}

function unavailableReply(url: string, text: string): SubgraphReply {
  return {
    url,
    status: 200,
    statusText: 'OK',
    ok: true,
    headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
    text,
  };
}

/** The subgraph's Cache-Control (max-age, public or private) narrows the whole response's, as Apollo's does. */
function restrictCachePolicy(policy: unknown, cacheControl: string | null): void {
  if (!policy || typeof policy !== 'object' || !('restrict' in policy)) return;
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const directive of (cacheControl ?? '').split(',')) {
    const [name, value] = directive.trim().split('=') as [string, string | undefined];
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  (policy as { restrict(hint: object): void }).restrict(hint);
}

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
