import { exitOnConfigError } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { GatewayEnv } from './env';
import { parseGatewayEnv } from './env';
import { startGateway } from './index';

async function main(): Promise<void> {
  let env: GatewayEnv;
  try {
    env = parseGatewayEnv();
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ name: 'gateway', level: env.LOG_LEVEL });
  const running = await startGateway({ env, logger });
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
