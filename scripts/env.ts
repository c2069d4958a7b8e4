import path from 'node:path';
import { commonEnv, parseEnv, z } from '@casino/config';

/** Configuration of the one-command local stack (`pnpm start`) and of `pnpm seed`. */
export const stackEnvSchema = z.object({
  ...commonEnv,
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional(),
  EMBEDDED_MONGO_DATA_DIR: z.string().default(path.resolve(__dirname, '../.data/mongo')),
  DATABASE_PREFIX: z.string().regex(/^\w+$/).default('casino'),
  SEED_MEMBERS: z.coerce.number().int().min(1).max(1_000_000).default(300),
  DEMO_PASSWORD: z.string().min(8).default('demo-password-2026'),
});

export type StackEnv = z.infer<typeof stackEnvSchema>;

export const parseStackEnv = () => parseEnv('stack', stackEnvSchema);
