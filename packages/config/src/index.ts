import { z } from 'zod';

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
 * the whole configuration in one pass instead of one variable per restart.
 */
export function parseEnv<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Env = readProcessEnv(),
): z.infer<S> {
  const result = schema.safeParse(env);
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
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
};

/** Variables of a subgraph: its port, its MongoDB and its database name. */
export function subgraphEnv(defaults: { port: number; database: string }) {
  return z.object({
    ...commonEnv,
    PORT: port.default(defaults.port),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
    MONGODB_DATABASE: z.string().min(1).default(defaults.database),
    MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  });
}

export type SubgraphEnv = z.infer<ReturnType<typeof subgraphEnv>>;

export { port as portSchema, z };
