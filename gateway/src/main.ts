import { disableApolloTelemetryByDefault, exitOnConfigError } from '@casino/config';
import { createLogger } from '@casino/logger';
import { stopOnSignals } from '@casino/server';
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
  // stop() drains: /ready turns 503, requests in flight finish within SHUTDOWN_GRACE_MS
  stopOnSignals(await startGateway({ env, logger }), logger);
}

void main();
