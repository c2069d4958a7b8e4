import path from 'node:path';
import {
  CredentialConfigError,
  ROLES,
  accessTokenSettingsFromEnv,
  credentialKeysFromEnv,
} from '@casino/auth';
import {
  commonEnv,
  identityEnv,
  jsonInputEnv,
  parseEnv,
  portSchema,
  telemetryEnv,
  tokenEnv,
  z,
} from '@casino/config';
import { SERVICE_NAMES } from '@casino/server';
import type { ServiceName } from '@casino/server';
import { operationLimitEnv } from './operation-limits';
import { persistedQueryEnv } from './persisted-queries';

export type SubgraphName = ServiceName;

const url = z.url().optional();

/** `https://ops.example.com,https://floor.example.com`: scheme, host and port only, as browsers send Origin. */
const originList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
  )
  .pipe(
    z.array(
      z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
        message:
          'must list origins such as https://ops.example.com (scheme, host and port; no path or slash)',
      }),
    ),
  );

/** The password the demo admins are seeded with; a production gateway refuses to run while it is configured. */
export const DEMO_PASSWORD_DEFAULT = 'demo-password-2026';

export const gatewayEnvSchema = z
  .object({
    ...commonEnv,
    ...telemetryEnv,
    ...identityEnv,
    ...tokenEnv,
    ...jsonInputEnv,
    ...persistedQueryEnv,
    ...operationLimitEnv,
    /** The demo admins' password; a production gateway refuses to start while it is the public default */
    DEMO_PASSWORD: z.string().default(DEMO_PASSWORD_DEFAULT),
    /** The HTTP port the gateway serves `/graphql`, `/health`, `/ready` and `/explorer` on */
    PORT: portSchema.default(4000),
    /** The composed supergraph schema the gateway serves */
    SUPERGRAPH_PATH: z.string().default(path.resolve(__dirname, '../../schema/supergraph.graphql')),
    /** Overrides of the routing URLs written in the supergraph (e.g. service names under docker compose). */
    LOYALTY_URL: url,
    GAMING_URL: url,
    WORKFORCE_URL: url,
    MARKETING_URL: url,
    COMPLIANCE_URL: url,
    /** How long the gateway waits for one subgraph request */
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /**
     * Identical subgraph queries in flight at the same time for the same caller (same verified identity and
     * address, same subgraph, query and variables) share one call; never mutations, never across callers.
     */
    GATEWAY_INFLIGHT_DEDUP: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Timeout of each subgraph `/ready` probe behind the gateway's `/ready` */
    READY_CHECK_TIMEOUT_MS: z.coerce.number().int().min(50).default(1_500),
    /** Browser origins (exact, comma-separated) whose pages may call the gateway; none by default. */
    CORS_ORIGINS: originList,
    /** How long a browser may reuse a preflight answer. */
    CORS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    /** Responses from this size up are sent compressed (brotli or gzip) to clients that accept it. */
    COMPRESSION_THRESHOLD_BYTES: z.coerce.number().int().min(0).default(1024),
    /** Request budgets per window: per signed-in admin, and per client address (signed in or not). */
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(3000),
    /**
     * Serve the self-hosted GraphiQL at /explorer (local assets only, for networks without internet). On in
     * production too: it is static files, and everything it does goes through login and the role rules.
     */
    EXPLORER_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /**
     * In production, who may introspect the schema (`__schema`, `__type`): signed-in admins of this role or
     * above, or holding INTROSPECTION_PERMISSION; never anonymous callers. Outside production everyone may.
     */
    INTROSPECTION_MIN_ROLE: z.enum(ROLES).default('Supervisor'),
    INTROSPECTION_PERMISSION: z.string().min(1).default('schema:read'),
  })
  .superRefine((env, ctx) => {
    for (const check of [
      () => credentialKeysFromEnv('gateway', env),
      () => accessTokenSettingsFromEnv(env),
    ]) {
      try {
        check();
      } catch (error) {
        if (!(error instanceof CredentialConfigError)) throw error;
        for (const problem of error.problems) {
          const [variable, ...message] = problem.split(': ');
          ctx.addIssue({ code: 'custom', path: [variable!], message: message.join(': ') });
        }
      }
    }
    if (env.NODE_ENV === 'production' && env.DEMO_PASSWORD === DEMO_PASSWORD_DEFAULT) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEMO_PASSWORD'],
        message:
          "is the public demo password: change the demo admins' password and set DEMO_PASSWORD to it, or remove those accounts",
      });
    }
  });

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export function parseGatewayEnv(env?: Record<string, string | undefined>): GatewayEnv {
  return parseEnv('gateway', gatewayEnvSchema, env);
}

export function subgraphUrlOverrides(env: GatewayEnv): Partial<Record<SubgraphName, string>> {
  const overrides: Partial<Record<SubgraphName, string>> = {};
  for (const name of SERVICE_NAMES) {
    const value = env[`${name.toUpperCase()}_URL` as keyof GatewayEnv];
    if (typeof value === 'string') overrides[name] = value;
  }
  return overrides;
}
