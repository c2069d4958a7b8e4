import { disableApolloTelemetryByDefault, exitOnConfigError } from '@casino/config';
import { createLogger } from '@casino/logger';
import type { GatewayEnv } from './env';
import { parseGatewayEnv } from './env';
import { startGateway } from './index';

async function main(): Promise<void> {
  // before the ApolloGateway is built (its constructor reads it): no usage telemetry unless opted in
  disableApolloTelemetryByDefault();
  let env: GatewayEnv;
  try {
    env = parseGatewayEnv();
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ name: 'gateway', level: env.LOG_LEVEL });
  const running = await startGateway({ env, logger });
  // stop() drains: /ready turns 503, requests in flight finish within SHUTDOWN_GRACE_MS
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    try {
      await running.stop();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main();
