import path from 'node:path';
import { commonEnv, parseEnv, propertyTimeEnv, z } from '@casino/config';
import { DEV_PROTECTION_ENV } from '@casino/crypto';

/** Configuration of the one-command local stack (`pnpm start`) and of `pnpm seed`. */
export const stackEnvSchema = z.object({
  ...commonEnv,
  /** The property's time zone: the demo seed dates by its calendar as the services do */
  ...propertyTimeEnv,
  /** The MongoDB server to use; unset: `pnpm start`/`pnpm seed` launch the embedded mongo-java-server */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional(),
  /** Where the embedded MongoDB keeps its on-disk (H2) store */
  EMBEDDED_MONGO_DATA_DIR: z.string().default(path.resolve(__dirname, '../.data/mongo')),
  /** Database names are `<prefix>_<subgraph>` */
  DATABASE_PREFIX: z.string().regex(/^\w+$/).default('casino'),
  /** Demo members seeded when the stack starts on an empty database */
  SEED_MEMBERS: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** The password the demo admins are seeded with */
  DEMO_PASSWORD: z.string().min(8).default('demo-password-2026'),
  /** Data keys handed to the services that hold personal data (development keys unless set; refused in production). */
  DATA_ENCRYPTION_KEYS: z.string().default(DEV_PROTECTION_ENV.DATA_ENCRYPTION_KEYS),
  DATA_ENCRYPTION_KEY_ID: z.string().default(DEV_PROTECTION_ENV.DATA_ENCRYPTION_KEY_ID),
  BLIND_INDEX_KEY: z.string().default(DEV_PROTECTION_ENV.BLIND_INDEX_KEY),
});

export type StackEnv = z.infer<typeof stackEnvSchema>;

export const parseStackEnv = () => parseEnv('stack', stackEnvSchema);

/** The data-protection variables of a stack configuration, as the services and the seed expect them. */
export const protectionEnvOf = (env: StackEnv) => ({
  NODE_ENV: env.NODE_ENV,
  DATA_ENCRYPTION_KEYS: env.DATA_ENCRYPTION_KEYS,
  DATA_ENCRYPTION_KEY_ID: env.DATA_ENCRYPTION_KEY_ID,
  BLIND_INDEX_KEY: env.BLIND_INDEX_KEY,
});
