import { z } from 'zod';
import { propertyTimeEnv } from './local-time';
import { declaredNames, readSecretFiles } from './secret-files';

export { DAY_MS } from './time';
export * from './local-time';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses an environment once against a zod schema. Every problem is reported together so an operator fixes
 * the whole configuration in one pass instead of one variable per restart. Any declared variable may instead be
 * given as a file, `NAME_FILE` (see readSecretFiles).
 */
export function parseEnv<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Env = readProcessEnv(),
): z.infer<S> {
  const files = readSecretFiles(declaredNames(schema), env);
  if (files.problems.length > 0) throw new ConfigError(service, files.problems);
  const result = schema.safeParse(files.env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}

/** The one place in the code base that reads process.env. */
export function readProcessEnv(): Env {
  // eslint-disable-next-line no-restricted-properties
  return { ...process.env };
}

/**
 * @apollo/gateway sends anonymous usage telemetry (and probes cloud metadata endpoints) from its constructor
 * unless APOLLO_TELEMETRY_DISABLED is set. Nothing here phones home by default: this turns it off before a
 * gateway is built, unless the operator opts in with APOLLO_TELEMETRY_ENABLED=true. The one place that writes
 * process.env, because the library reads only process.env. Returns whether telemetry stays enabled.
 */
export function disableApolloTelemetryByDefault(target: Env = processEnv()): boolean {
  if (target.APOLLO_TELEMETRY_ENABLED === 'true') return true;
  target.APOLLO_TELEMETRY_DISABLED = 'true';
  return false;
}

function processEnv(): Env {
  // eslint-disable-next-line no-restricted-properties
  return process.env;
}

/** Prints a configuration error as plain lines and stops the process; other errors are rethrown. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const port = z.coerce.number().int().min(0).max(65535);

/** Variables every service shares. */
export const commonEnv = {
  /**
   * `production` turns on the production checks (no development keys, no demo password) and off the Sandbox
   * landing page
   */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Pino log level; `silent` mutes the logs */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The address the HTTP server binds to */
  HOST: z.string().default('0.0.0.0'),
  /**
   * Which proxies in front of the gateway may state the client's address in X-Forwarded-For (Express's
   * `trust proxy`: `loopback`, subnets such as `10.0.0.0/8`, or a hop count). Sign-in limits and the audit
   * trail rely on that address, so trust only the load balancer, never the clients' own network.
   */
  TRUST_PROXY: z.string().default('loopback'),
  /** The largest request body a service reads; a bigger one is refused with PAYLOAD_TOO_LARGE (413). */
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1_048_576)
    .default(1_048_576),
  /**
   * At shutdown (SIGTERM), how long requests in flight may still run after the listener closed; then the
   * remaining connections are cut
   */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * At shutdown, how long `/ready` answers 503 before the listener closes, so a load balancer polling it stops
   * sending traffic first (set it a little above the polling interval)
   */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /**
   * Prometheus metrics at `GET /metrics` (request, subgraph-fetch and MongoDB command timings, errors by code,
   * outbox backlogs, process metrics); `false` removes the route, the timing and the command monitoring.
   */
  METRICS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * When set (16 characters or more), `GET /metrics` asks for `Authorization: Bearer <token>`; unset, the
   * route is open, outside GraphQL auth, and should be reachable from the internal network only.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * Distinct operation, client, error-code, command and collection names each metric label keeps (the first
   * seen); later ones are counted as `other`, so callers cannot grow the series without bound.
   */
  METRICS_MAX_LABEL_VALUES: z.coerce.number().int().min(1).max(10_000).default(200),
};

/** `key=value,key=value` (values percent-decoded), as the OpenTelemetry variables write headers and attributes. */
const keyValueList = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const pairs: Record<string, string> = {};
    for (const part of value.split(',')) {
      if (part.trim() === '') continue;
      const at = part.indexOf('=');
      if (at <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a list of key=value pairs separated by commas' });
        return z.NEVER;
      }
      pairs[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
    }
    return pairs;
  });

/**
 * OpenTelemetry traces, under the standard variable names. Without OTEL_EXPORTER_OTLP_ENDPOINT no tracer
 * provider is created: no spans, no trace context read or sent, no cost.
 */
export const telemetryEnv = {
  /**
   * The OTLP/HTTP endpoint traces are sent to (`<endpoint>/v1/traces`, JSON), e.g. an OpenTelemetry Collector,
   * Jaeger or Tempo at `http://otel-collector:4318`; unset, nothing is traced and nothing is sent
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Headers sent with every export (`key=value,...`, e.g. the collector's API key) */
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList,
  /** `true` turns tracing off even with an endpoint configured */
  OTEL_SDK_DISABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Which traces are recorded: `parentbased_always_on` (the default) follows the caller's `traceparent`
   * sampled flag and records every request that comes without one; `parentbased_traceidratio` records
   * OTEL_TRACES_SAMPLER_ARG of those; `always_on`, `always_off`, `traceidratio` ignore the caller
   */
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  /** The share of traces recorded by the `traceidratio` samplers, from 0 to 1 */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /**
   * Resource attributes added to every span (`key=value,...`, e.g. `deployment.environment.name=production`);
   * `service.name` is always the service's own name
   */
  OTEL_RESOURCE_ATTRIBUTES: keyValueList,
};

export type TelemetryEnv = {
  [K in keyof typeof telemetryEnv]: z.infer<(typeof telemetryEnv)[K]>;
};

/**
 * The per-request credentials between gateway and subgraphs and between services: this service's Ed25519 key
 * (a base64 32-byte seed), the public keys of every caller it accepts (`gateway:<x>,loyalty:<x>,...`), the
 * longest lifetime a credential may have, and Redis (one-time ids and revocations shared by every replica).
 * Unset keys fall back to public development keys, refused in production by @casino/auth's
 * `credentialKeysFromEnv`.
 */
export const identityEnv = {
  /** This service's own Ed25519 key for request credentials (a base64 32-byte seed; `pnpm keys`) */
  SERVICE_SIGNING_KEY: z.string().optional(),
  /** The callers whose request credentials are accepted: `gateway:<key>,loyalty:<key>,...` */
  SERVICE_PUBLIC_KEYS: z.string().optional(),
  /** The longest lifetime of a request credential or router signature, whatever it claims */
  REQUEST_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  /**
   * Redis for the state every replica shares (one-time credential ids, revoked sessions, APQ cache, rate
   * limits, dashboard cache); unset, each process keeps its own in memory
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** How often the list of revoked sessions is refreshed (a sign-out takes effect everywhere within this). */
  REVOCATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(500),
};

/**
 * Access tokens: EdDSA JWTs issued by compliance at login (ACCESS_TOKEN_SIGNING_KEY, a base64 32-byte seed,
 * compliance only) and verified by the gateway and by subgraphs behind a router (ACCESS_TOKEN_PUBLIC_KEYS,
 * base64url public keys, the current one first). Unset keys are the public development keys, refused in
 * production by @casino/auth's `accessTokenSettingsFromEnv`.
 */
export const tokenEnv = {
  /** The key compliance signs access tokens with (a base64 32-byte Ed25519 seed); compliance only */
  ACCESS_TOKEN_SIGNING_KEY: z.string().optional(),
  /** The public keys access tokens are verified with (base64url, comma-separated, the current one first) */
  ACCESS_TOKEN_PUBLIC_KEYS: z.string().optional(),
  /** The `iss` claim of access tokens, issued and required */
  JWT_ISSUER: z.string().min(1).default('casino-supergraph'),
  /** The `aud` claim of access tokens, issued and required */
  JWT_AUDIENCE: z.string().min(1).default('casino-dashboards'),
  /** How long an access token is valid */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
};

/**
 * Bounds on every `JSON` input value: nesting levels, serialized bytes, object keys over all levels. The gateway
 * checks them before planning and each subgraph again, so both read the same variables.
 */
export const jsonInputEnv = {
  /** The deepest nesting a `JSON` input value may have */
  INPUT_JSON_MAX_DEPTH: z.coerce.number().int().min(1).max(64).default(10),
  /** The largest serialized size of a `JSON` input value */
  INPUT_JSON_MAX_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  /** The most object keys a `JSON` input value may hold, over all levels */
  INPUT_JSON_MAX_KEYS: z.coerce.number().int().min(1).max(100_000).default(200),
};

/**
 * The dashboard cache: KPI figures (`*Dashboard` queries) computed once per dashboard, caller scope and range
 * and served from the cache for a short time, in Redis with REDIS_URL (every replica shares them), in each
 * process's memory otherwise.
 */
export const dashboardCacheEnv = {
  /**
   * How long computed dashboard figures are served before the next request recomputes them (writes made
   * meanwhile show after at most this long); 0 computes them for every request
   */
  DASHBOARD_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** The most dashboard entries (dashboard, scope and range) one process keeps in memory when Redis is not set */
  DASHBOARD_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(1_000),
};

/** Where the property's gaming day starts when GAMING_DAY_START_HOUR is not set. */
export const DEFAULT_GAMING_DAY_START_HOUR = 6;

/**
 * The gaming day is the property's operating day, one for every service that counts by it: gaming (its day
 * figures) and compliance (AML and responsible-gaming reports, its dashboard) read the same variable.
 */
export const gamingDayEnv = {
  ...propertyTimeEnv,
  /**
   * Local hour (0-23, in PROPERTY_TIME_ZONE) at which the property's gaming day starts: play before it counts
   * for the previous day
   */
  GAMING_DAY_START_HOUR: z.coerce.number().int().min(0).max(23).default(DEFAULT_GAMING_DAY_START_HOUR),
};

/** Variables of a subgraph: its port, its MongoDB and database, identity checking and audit delivery. */
/**
 * Router mode: what a request that comes through Apollo Router or Hive Router (instead of this project's
 * gateway) must present. `mtls`: the router's client certificate, issued by TLS_CLIENT_CA_FILE (the subgraph
 * then serves HTTPS with TLS_CERT_FILE / TLS_KEY_FILE); `signature`: the per-request HMAC signature computed
 * with ROUTER_SIGNING_SECRET. Either way the user's forwarded access token is verified by the subgraph itself.
 * Empty (the default): only the gateway's and the services' request credentials are accepted.
 */
export const routerEnv = {
  /**
   * Router mode: `mtls`, `signature` or both (comma-separated), what requests through Apollo Router or Hive
   * Router must present; empty: only the gateway's and the services' request credentials are accepted
   */
  ROUTER_TRUST: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['mtls', 'signature']))),
  /** The subgraph's HTTPS certificate (PEM file), for ROUTER_TRUST=mtls */
  TLS_CERT_FILE: z.string().optional(),
  /** The private key of TLS_CERT_FILE (PEM file) */
  TLS_KEY_FILE: z.string().optional(),
  /** The CA (PEM file) that issues the router's client certificate, for ROUTER_TRUST=mtls */
  TLS_CLIENT_CA_FILE: z.string().optional(),
  /** The secret of the router's per-request HMAC signature, for ROUTER_TRUST=signature (32+ characters) */
  ROUTER_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};

function requireRouterSettings(
  env: { ROUTER_TRUST: string[] } & Partial<Record<keyof typeof routerEnv, unknown>>,
  ctx: z.RefinementCtx,
): void {
  const missing = (name: string, why: string) =>
    ctx.addIssue({ code: 'custom', path: [name], message: `is required when ROUTER_TRUST includes ${why}` });
  if (env.ROUTER_TRUST.includes('mtls')) {
    for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CLIENT_CA_FILE'] as const) {
      if (!env[name]) missing(name, 'mtls');
    }
  }
  if (env.ROUTER_TRUST.includes('signature') && !env.ROUTER_SIGNING_SECRET) {
    missing('ROUTER_SIGNING_SECRET', 'signature');
  }
}

export function subgraphEnv(defaults: { port: number; database: string }) {
  return z
    .object({
      ...commonEnv,
      ...telemetryEnv,
      ...identityEnv,
      ...tokenEnv,
      ...routerEnv,
      /** The HTTP port the subgraph serves `/graphql`, `/health` and `/ready` on */
      PORT: port.default(defaults.port),
      /** The MongoDB server (a replica set or sharded cluster in production); a subgraph requires it */
      MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
      /** The subgraph's own database */
      MONGODB_DATABASE: z.string().min(1).default(defaults.database),
      /** The largest `first` a connection accepts; above it the request is `BAD_USER_INPUT` */
      MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
      /** Items of a connection page when the request names no `first` */
      DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
      /** Where the other subgraphs answer service calls (audit delivery, point credits, reports). */
      LOYALTY_URL: z.url().default('http://localhost:4001/graphql'),
      GAMING_URL: z.url().default('http://localhost:4002/graphql'),
      WORKFORCE_URL: z.url().default('http://localhost:4003/graphql'),
      MARKETING_URL: z.url().default('http://localhost:4004/graphql'),
      COMPLIANCE_URL: z.url().default('http://localhost:4005/graphql'),
      /** How long a call to another subgraph (audit delivery, point credits, checks) may take */
      SERVICE_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
      /** How often buffered audit events are sent to compliance */
      AUDIT_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
      /** How often the declared indexes are checked and, when one is missing (dropped, restored), recreated */
      INDEX_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
      /** Failed deliveries after which an outbox row (audit event, point credit, notification) is set aside as dead */
      OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(10),
      /**
       * How much of an outbox retry's wait is random, from 0 (exactly base x 2^(attempts-1), capped) to 1 (any
       * wait up to that): 0.5 draws between half and all of it, so rows that failed together retry apart
       */
      OUTBOX_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.5),
      /**
       * Longest wait between two looks of a replica at a scheduled job's next run (background jobs and
       * outboxes); each wait is jittered by a quarter either way
       */
      SCHEDULER_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
      /**
       * How long a replica holds a scheduled job or a claimed outbox row before another replica may take it
       * over; a running pass renews its job's lease every third of this
       */
      SCHEDULER_LEASE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
      ...jsonInputEnv,
      ...dashboardCacheEnv,
      /**
       * The longest string any argument may carry: names and ids (every `ID`, `name`, `username`, `*Name`,
       * `*Prefix`) and everything else (free text). Services may hold a field to less, never to more.
       */
      INPUT_MAX_NAME_LENGTH: z.coerce.number().int().min(36).max(1_000).default(100),
      INPUT_MAX_TEXT_LENGTH: z.coerce.number().int().min(100).max(100_000).default(2_000),
      /**
       * Keys for personal data at rest (`id:base64,...`, the id new values use, the blind-index key). Required
       * by the subgraphs that hold protected fields; checked by @casino/crypto's `protectorFromEnv`.
       */
      DATA_ENCRYPTION_KEYS: z.string().optional(),
      /** The id (in DATA_ENCRYPTION_KEYS) of the key new values are sealed with */
      DATA_ENCRYPTION_KEY_ID: z.string().optional(),
      /** The 32-byte base64 key of the identity-document blind index (changing it means re-indexing) */
      BLIND_INDEX_KEY: z.string().optional(),
    })
    .superRefine(requireRouterSettings);
}

export type SubgraphEnv = z.infer<ReturnType<typeof subgraphEnv>>;

/** The `JSON` input bounds a schema enforces, from the settings of its service. */
export function jsonInputLimitsOf(env: {
  INPUT_JSON_MAX_DEPTH: number;
  INPUT_JSON_MAX_BYTES: number;
  INPUT_JSON_MAX_KEYS: number;
}): { maxDepth: number; maxBytes: number; maxKeys: number } {
  return {
    maxDepth: env.INPUT_JSON_MAX_DEPTH,
    maxBytes: env.INPUT_JSON_MAX_BYTES,
    maxKeys: env.INPUT_JSON_MAX_KEYS,
  };
}

/** The string argument bounds a subgraph enforces before execution, from its settings. */
export function stringInputLimitsOf(env: SubgraphEnv): { maxNameLength: number; maxTextLength: number } {
  return { maxNameLength: env.INPUT_MAX_NAME_LENGTH, maxTextLength: env.INPUT_MAX_TEXT_LENGTH };
}

export { port as portSchema, z };
