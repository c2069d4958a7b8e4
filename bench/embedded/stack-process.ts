/**
 * One process running a checkout's whole stack as `pnpm start` does (its scripts/stack.ts startStack: the five
 * subgraphs and the gateway), on the MongoDB at MONGODB_URI, the gateway on GATEWAY_PORT, the subgraphs on
 * free ports. STACK_CHECKOUT is the checkout's root (the working tree or a baseline worktree): its own code
 * runs, resolved from its own node_modules. Stops on SIGTERM.
 */
import path from 'node:path';
import { readProcessEnv } from '@casino/config';

interface StackModule {
  startStack(options: {
    mongoUri: string;
    env?: Record<string, string | undefined>;
    ports?: Record<string, number>;
    host?: string;
    ephemeralKeys?: boolean;
    logLevel?: string;
    nodeEnv?: 'development';
  }): Promise<{ stop(): Promise<void> }>;
}

async function main(): Promise<void> {
  const env = readProcessEnv();
  const checkout = env.STACK_CHECKOUT;
  const mongoUri = env.MONGODB_URI;
  const gatewayPort = Number(env.GATEWAY_PORT);
  if (!checkout || !mongoUri || !gatewayPort) {
    throw new Error('STACK_CHECKOUT, MONGODB_URI and GATEWAY_PORT are required');
  }
  const { startStack } = (await import(path.join(checkout, 'scripts/stack.ts'))) as StackModule;
  const stack = await startStack({
    mongoUri,
    env,
    ports: { loyalty: 0, gaming: 0, workforce: 0, marketing: 0, compliance: 0, gateway: gatewayPort },
    host: '127.0.0.1',
    ephemeralKeys: true,
    logLevel: env.LOG_LEVEL ?? 'warn',
    nodeEnv: 'development',
  });
  const stop = () => void stack.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
