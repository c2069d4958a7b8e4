import { createHash } from 'node:crypto';
import type { BaseContext } from '@apollo/server';
import { GraphQLError, print } from 'graphql';
import type { DocumentNode } from 'graphql';
import {
  AUDIT_OUTBOX,
  AuditOutbox,
  ComplianceAuditSink,
  DEFAULT_OUTBOX_SETTINGS,
  auditOutboxIndexes,
  createRequestAudit,
} from '@casino/audit';
import type { AuditEvent, AuditSink, RequestAudit, TargetMemberLookups } from '@casino/audit';
import {
  CredentialConfigError,
  IdentityError,
  REQUEST_CREDENTIAL_HEADER,
  ServiceClient,
  connectRedis,
  createCredentialVerifier,
  createReplayGuard,
  RedisRevocationFeed,
  RevocationList,
  accessTokenSettingsFromEnv,
  closeRedis,
  complianceRevocationFeed,
  credentialKeysFromEnv,
  verifyRequestCredential,
} from '@casino/auth';
import type { RevocationFeed, TokenSettings } from '@casino/auth';
import type { CredentialKeys, CredentialSigner, CredentialVerifier, RuleTree } from '@casino/auth';
import type { Db } from 'mongodb';
import type Redis from 'ioredis';
import {
  ConfigError,
  exitOnConfigError,
  jsonInputLimitsOf,
  parseEnv,
  subgraphEnv,
  stringInputLimitsOf,
} from '@casino/config';
import type { SubgraphEnv } from '@casino/config';
import { ProtectionConfigError, protectorFromEnv } from '@casino/crypto';
import type { FieldProtector, ProtectedFieldRotation } from '@casino/crypto';
import { createLogger } from '@casino/logger';
import type { Logger } from '@casino/logger';
import { connectMongo, dropRetiredIndexes, ensureIndexes, startIndexCheck } from '@casino/mongo';
import type { IndexPlan, MongoConnection, PagingConfig } from '@casino/mongo';
import { startTelemetry, traceMongoCommands } from '@casino/telemetry';
import type { Telemetry, Tracer } from '@casino/telemetry';
import { SCHEDULER_JOBS, Scheduler, schedulerJobIndexes } from '@casino/scheduler';
import type { ScheduledJob } from '@casino/scheduler';
import { headerValue, rawBodyOf, startHttpService } from './http';
import { RouterTrust, routerTlsOf } from './router-trust';
import type { RequestBase, RunningService } from './http';
import { serviceMetricsOf } from './metrics';
import type { ServiceMetrics } from './metrics';
import { createSubgraphApollo } from './subgraph';

export const SERVICE_NAMES = ['loyalty', 'gaming', 'workforce', 'marketing', 'compliance'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What a subgraph's own code needs at request time. */
export interface SubgraphDeps {
  db: Db;
  env: SubgraphEnv;
  paging: PagingConfig;
  logger: Logger;
  /** Clients for the other subgraphs' APIs, calling as this subgraph's service identity. */
  services: Record<ServiceName, ServiceClient>;
  /** Seals and opens protected fields; present exactly when the definition `holdsPersonalData`. */
  protector?: FieldProtector;
  /** State shared by every replica (one-time ids, revocations) when REDIS_URL is set. */
  redis?: Redis | null;
  /** Access-token keys, read once at start (with the signing key where the definition issues tokens). */
  tokens?: TokenSettings;
  /** This service's Prometheus metrics (null with METRICS_ENABLED=false): background jobs add their backlogs. */
  metrics?: ServiceMetrics | null;
  /** This service's traces: background jobs run each pass and delivery in a span of its own (`withSpan`). */
  telemetry?: Telemetry;
  /**
   * A digest of the subgraph's SDL: what one version of the service caches for every replica (dashboard figures)
   * is not read by a replica of another version during a rolling update, whose result types may differ.
   */
  schemaDigest?: string;
  /**
   * Records in the audit trail a change no request asked for (a background job's repair), as this service
   * (`serviceAudit`); absent where nothing keeps an audit trail.
   */
  audit?: RequestAudit['record'];
}

/** Audit events of work this service does on its own: the actor is the service, there is no request. */
export function serviceAudit(service: string, sink: (event: AuditEvent) => void): RequestAudit['record'] {
  const info = {
    identity: { kind: 'service', service } as const,
    requestId: null,
    clientName: null,
    ip: null,
  };
  return createRequestAudit({ ...info, service }, sink).record;
}

/**
 * Service clients for every subgraph, each request signed as `self` (a service name, whose key comes from the
 * env, or its signer).
 */
export function createServiceClients(
  self: string | CredentialSigner,
  env: SubgraphEnv,
  tracer: Tracer | null = null,
): Record<ServiceName, ServiceClient> {
  const signer = typeof self === 'string' ? credentialKeysOf(self, env).signer : self;
  const urls: Record<ServiceName, string> = {
    loyalty: env.LOYALTY_URL,
    gaming: env.GAMING_URL,
    workforce: env.WORKFORCE_URL,
    marketing: env.MARKETING_URL,
    compliance: env.COMPLIANCE_URL,
  };
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => [
      name,
      new ServiceClient({
        url: urls[name],
        target: name,
        signer,
        timeoutMs: env.SERVICE_CALL_TIMEOUT_MS,
        tracer,
      }),
    ]),
  ) as Record<ServiceName, ServiceClient>;
}

/** What a subgraph's request context starts with: the common base plus the request's audit handle. */
export interface SubgraphRequestBase extends RequestBase {
  audit: RequestAudit & { takeChanges(): unknown };
}

/**
 * A subgraph's part in the member-data duties compliance coordinates (PDPA): erasing a member, applying a
 * retention policy, re-sealing protected fields under the current key. Each subgraph registers one on its
 * definition (`privacy`); its resolvers call it and record what it reports in the audit handle.
 */
export interface PrivacyParticipant<
  RetentionInput = never,
  RetentionResult = unknown,
  ErasureResult = unknown,
> {
  eraseMember?(memberId: string): Promise<ErasureResult>;
  applyRetention?(input: RetentionInput): Promise<RetentionResult>;
  resealProtectedFields?(batchSize: number): Promise<ResealReport>;
}

/** What re-sealing one batch per protected field did. */
export type ResealReport = ProtectedFieldRotation[];

/**
 * Everything that distinguishes one subgraph from another; the runtime below does the rest. `S` is what the
 * subgraph builds once per process (its stores and services, see `createServices`); by default the
 * dependencies themselves.
 */
export interface SubgraphDefinition<C extends BaseContext & RequestBase, S = SubgraphDeps> {
  name: string;
  defaultPort: number;
  defaultDatabase: string;
  typeDefs: DocumentNode;
  resolvers: unknown;
  /** graphql-shield rules: every field of every type needs one (deny by default). */
  rules: RuleTree;
  /** Mutations that are part of the audit plumbing and are not themselves audited. */
  unauditedMutations?: readonly string[];
  /**
   * The member a mutation's target belongs to, by target type (a redemption's member), looked up with the
   * request's context when the audit event names no member: a mutation refused before it loaded its target
   * is then still in that member's history.
   */
  auditTargetMembers?: TargetMemberLookups<C>;
  indexes: IndexPlan;
  /** Indexes older versions created and this one must not keep, by collection: dropped at start */
  retiredIndexes?: Record<string, readonly string[]>;
  /** Signs access tokens at sign-in (compliance): it then needs ACCESS_TOKEN_SIGNING_KEY. */
  issuesAccessTokens?: boolean;
  /** Stores encrypted personal data: the service then needs the data keys and refuses to start without them. */
  holdsPersonalData?: boolean;
  /** Where audit events go; by default compliance's API. Compliance itself stores them directly. */
  createAuditSink?(deps: SubgraphDeps): AuditSink;
  /**
   * Built once per process and shared by every request: the stores (the only code that touches the driver)
   * and the services. Without it the requests get the dependencies themselves.
   */
  createServices?(deps: SubgraphDeps): S;
  /** Per request: only what belongs to the request (identity, loaders, the audit handle) around `services`. */
  createContext(base: SubgraphRequestBase, services: S): C;
  /** Erasure, retention and key re-sealing for this subgraph's data, built from its services. */
  privacy?(services: S): PrivacyParticipant<never>;
  /** Public JSON documents the service serves with GET (compliance: the access-token JWKS). */
  documents?(deps: SubgraphDeps): { path: string; body: () => unknown }[];
  /**
   * Where this subgraph reads ended sessions in router mode when Redis is not configured; by default
   * compliance's `revokedSessions` (compliance itself reads its own store).
   */
  revocationFeed?(deps: SubgraphDeps): RevocationFeed;
  /**
   * Work that runs beside the server (outbox deliveries, scheduled jobs), on the subgraph's one scheduler
   * with the audit outbox: each pass on one replica at a time, next runs kept in `scheduler_jobs`.
   */
  jobs?(deps: SubgraphDeps, services: S): ScheduledJob[];
}

/** Any subgraph's definition, whatever its request context and process-wide services: for code that runs any. */
export type AnySubgraphDefinition = SubgraphDefinition<BaseContext & RequestBase, unknown>;

/** The subgraph's process-wide services: `createServices(deps)`, or the dependencies when it has none. */
export function createSubgraphServices<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  deps: SubgraphDeps,
): S {
  return definition.createServices ? definition.createServices(deps) : (deps as S);
}

/** The subgraph's own background jobs, built from its dependencies and its process-wide services. */
export function subgraphJobs<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  deps: SubgraphDeps,
  services: S = createSubgraphServices(definition, deps),
): ScheduledJob[] {
  return definition.jobs?.(deps, services) ?? [];
}

const refused = () =>
  new GraphQLError('Requests must come through the gateway with a valid request credential', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/**
 * Accepts a request only with a request credential made for it: signed by the gateway or a service, for this
 * service, over exactly this body, unexpired and never used before. In router mode a request without one may
 * instead present what the router holds (client certificate, per-request signature) with the user's access
 * token. Only POST carries a body to bind, so nothing else is served.
 */
export function authenticateSubgraphRequest(
  verifier: CredentialVerifier,
  router: RouterTrust | null,
  logger?: Logger,
) {
  return async (req: Parameters<typeof headerValue>[0]) => {
    if (req.method !== 'POST') throw refused();
    try {
      const credential = headerValue(req, REQUEST_CREDENTIAL_HEADER);
      if (credential || !router) return await verifyRequestCredential(verifier, credential, rawBodyOf(req));
      return await router.authenticate(req);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      // the reason goes to the log only: an attacker learns nothing from the answer
      logger?.warn({ reason: error.message, ip: req.ip }, 'request refused: no valid credential');
      throw refused();
    }
  };
}

/** The access-token settings of a subgraph; a configuration error (naming each variable) when unusable. */
export function accessTokensOf(
  definition: Pick<AnySubgraphDefinition, 'name' | 'issuesAccessTokens'>,
  env: SubgraphEnv,
): TokenSettings {
  try {
    return accessTokenSettingsFromEnv(env, { issuer: definition.issuesAccessTokens });
  } catch (error) {
    if (error instanceof CredentialConfigError) throw new ConfigError(definition.name, error.problems);
    throw error;
  }
}

/** Router mode: the revocation list (Redis, compliance's API or the definition's own feed) and the checks. */
function createRouterTrust(
  definition: Pick<AnySubgraphDefinition, 'name' | 'revocationFeed'>,
  deps: SubgraphDeps,
  verifier: CredentialVerifier,
): RouterTrust & { revocations: RevocationList } {
  const { env } = deps;
  const retainMs = env.ACCESS_TOKEN_TTL_SECONDS * 1000;
  const feed = deps.redis
    ? new RedisRevocationFeed(deps.redis, retainMs)
    : (definition.revocationFeed?.(deps) ?? complianceRevocationFeed(deps.services.compliance));
  const revocations = new RevocationList(feed, {
    pollMs: env.REVOCATION_POLL_MS,
    retainMs,
    log: deps.logger,
  });
  const trust = new RouterTrust({
    audience: definition.name,
    requireClientCertificate: env.ROUTER_TRUST.includes('mtls'),
    signingSecret: env.ROUTER_TRUST.includes('signature') ? env.ROUTER_SIGNING_SECRET! : null,
    maxTtlSeconds: env.REQUEST_CREDENTIAL_TTL_SECONDS,
    tokens: deps.tokens ?? accessTokenSettingsFromEnv(env),
    revocations,
    replay: verifier.replay,
  });
  return Object.assign(trust, { revocations });
}

/** This service's credential keys; a configuration error (naming each variable) when they are unusable. */
export function credentialKeysOf(name: string, env: SubgraphEnv): CredentialKeys {
  try {
    return credentialKeysFromEnv(name, env);
  } catch (error) {
    if (error instanceof CredentialConfigError) throw new ConfigError(name, error.problems);
    throw error;
  }
}

export interface RunningSubgraph extends RunningService {
  mongo: MongoConnection;
  outbox: AuditOutbox;
  scheduler: Scheduler;
}

export interface StartSubgraphOptions {
  env: SubgraphEnv;
  logger?: Logger;
  /** Reuse an existing connection (the caller then owns closing it). */
  mongo?: MongoConnection;
}

/** Parses a subgraph's env from a plain record, with its own defaults. */
export function parseSubgraphEnv(
  definition: Pick<
    AnySubgraphDefinition,
    'name' | 'defaultPort' | 'defaultDatabase' | 'holdsPersonalData' | 'issuesAccessTokens'
  >,
  env?: Record<string, string | undefined>,
): SubgraphEnv {
  const parsed = parseEnv(
    definition.name,
    subgraphEnv({ port: definition.defaultPort, database: definition.defaultDatabase }),
    env,
  );
  // every key problem reported together, so an operator fixes them in one pass
  const problems: string[] = [];
  for (const check of [
    () => createProtector(definition, parsed),
    () => credentialKeysOf(definition.name, parsed),
    () => accessTokensOf(definition, parsed),
  ]) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(definition.name, problems);
  return parsed;
}

/**
 * The field protector of a subgraph that holds personal data (undefined for the others). Missing or malformed
 * keys are a configuration error naming each variable, so the service stops at start, never at first use.
 */
export function createProtector(
  definition: Pick<AnySubgraphDefinition, 'name' | 'holdsPersonalData'>,
  env: SubgraphEnv,
): FieldProtector | undefined {
  if (!definition.holdsPersonalData) return undefined;
  try {
    return protectorFromEnv(env);
  } catch (error) {
    if (error instanceof ProtectionConfigError) throw new ConfigError(definition.name, error.problems);
    throw error;
  }
}

/** The field protector of a subgraph that holds personal data; building its services without one is a bug. */
export function requireProtector(deps: Pick<SubgraphDeps, 'protector'>, subgraph: string): FieldProtector {
  if (!deps.protector)
    throw new Error(`${subgraph} holds personal data but no field protector was configured`);
  return deps.protector;
}

/** Connects to MongoDB, creates the indexes and serves the subgraph over HTTP. */
export async function startSubgraph<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  options: StartSubgraphOptions,
): Promise<RunningSubgraph> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ name: definition.name, level: env.LOG_LEVEL });
  const ownsConnection = !options.mongo;
  const metrics = serviceMetricsOf(definition.name, env);
  const telemetry = startTelemetry(definition.name, env);
  const mongo =
    options.mongo ??
    (await connectMongo({
      uri: env.MONGODB_URI,
      database: env.MONGODB_DATABASE,
      appName: definition.name,
      monitorCommands: metrics !== null || telemetry.enabled,
    }));
  metrics?.monitorMongo(mongo.client);
  if (telemetry.tracer) traceMongoCommands(mongo.client, telemetry.tracer);
  await dropRetiredIndexes(mongo.db, definition.retiredIndexes ?? {});
  const indexPlan = {
    ...definition.indexes,
    [AUDIT_OUTBOX]: auditOutboxIndexes,
    [SCHEDULER_JOBS]: schedulerJobIndexes,
  };
  await ensureIndexes(mongo.db, indexPlan);
  const keys = credentialKeysOf(definition.name, env);
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL) : null;
  const verifier = createCredentialVerifier(definition.name, keys, env, createReplayGuard(redis));
  const deps: SubgraphDeps = {
    db: mongo.db,
    env,
    logger,
    paging: { defaultSize: env.DEFAULT_PAGE_SIZE, maxSize: env.MAX_PAGE_SIZE },
    services: createServiceClients(keys.signer, env, telemetry.tracer),
    protector: createProtector(definition, env),
    redis,
    tokens: accessTokensOf(definition, env),
    metrics,
    telemetry,
    schemaDigest: createHash('sha256').update(print(definition.typeDefs)).digest('base64url').slice(0, 16),
  };
  const router = env.ROUTER_TRUST.length > 0 ? createRouterTrust(definition, deps, verifier) : null;
  await router?.revocations.start();
  const sink = definition.createAuditSink?.(deps) ?? new ComplianceAuditSink(deps.services.compliance);
  const outbox = new AuditOutbox(mongo.db, sink, logger, {
    ...DEFAULT_OUTBOX_SETTINGS,
    intervalMs: env.AUDIT_FLUSH_INTERVAL_MS,
    maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    retryJitter: env.OUTBOX_RETRY_JITTER,
    claimMs: env.SCHEDULER_LEASE_MS,
  });
  metrics?.observeBacklog('casino_audit_outbox', 'Audit events in the outbox', outbox);
  deps.audit = serviceAudit(definition.name, (event) => outbox.record(event));
  const services = createSubgraphServices(definition, deps);
  const scheduler = new Scheduler({
    db: mongo.db,
    jobs: [outbox.job(), ...subgraphJobs(definition, deps, services)],
    pollMs: env.SCHEDULER_POLL_MS,
    leaseMs: env.SCHEDULER_LEASE_MS,
    log: logger,
    onPass: metrics ? (pass) => metrics.observeJobPass(pass) : undefined,
    telemetry,
  });
  await scheduler.start();
  const indexCheck = startIndexCheck(mongo.db, indexPlan, {
    intervalMs: env.INDEX_CHECK_INTERVAL_MS,
    log: logger,
  });
  const service = await startHttpService<C>({
    name: definition.name,
    host: env.HOST,
    port: env.PORT,
    logger,
    apollo: createSubgraphApollo<C>({
      ...definition,
      logger,
      jsonLimits: jsonInputLimitsOf(env),
      inputLimits: stringInputLimitsOf(env),
    }),
    authenticate: authenticateSubgraphRequest(verifier, router, logger),
    tls: routerTlsOf(env),
    maxBodyBytes: env.MAX_REQUEST_BODY_BYTES,
    documents: definition.documents?.(deps),
    context: async (base) =>
      definition.createContext(
        {
          ...base,
          audit: createRequestAudit(
            {
              identity: base.identity,
              requestId: base.requestId,
              clientName: base.clientName,
              ip: base.ip,
              service: definition.name,
            },
            (event) => outbox.record(event),
          ),
        },
        services,
      ),
    ready: () => mongo.ping(),
    metrics,
    telemetry,
    shutdown: { graceMs: env.SHUTDOWN_GRACE_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
  });
  return {
    ...service,
    mongo,
    outbox,
    scheduler,
    async stop() {
      // requests in flight finish first (they still need MongoDB, the jobs' data and the outbox), then the
      // background work stops, each letting a running pass finish
      await service.stop();
      await scheduler.stop();
      await indexCheck.stop();
      router?.revocations.stop();
      await outbox.stop();
      if (ownsConnection) await mongo.close();
      await closeRedis(redis);
      // last, so the spans of everything above are sent
      await telemetry.shutdown();
    },
  };
}

/** Entry point of a subgraph process: env from the process, fail fast on bad config, stop on signals. */
export async function runSubgraphProcess<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
): Promise<void> {
  let env: SubgraphEnv;
  try {
    env = parseSubgraphEnv(definition);
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ name: definition.name, level: env.LOG_LEVEL });
  stopOnSignals(await startSubgraph(definition, { env, logger }), logger);
}

/**
 * A service process's end: on SIGINT or SIGTERM it stops (draining requests in flight) and exits; a failed
 * stop (MongoDB gone) exits 1 rather than leaving a process that neither serves nor exits.
 */
export function stopOnSignals(running: { stop(): Promise<void> }, logger: Logger): void {
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    try {
      await running.stop();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
