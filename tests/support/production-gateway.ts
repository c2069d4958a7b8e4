import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  CALLER_NAMES,
  accessTokenSettingsFromEnv,
  issueAccessToken,
  privateKeyFromSeed,
  publicKeyString,
} from '@casino/auth';
import type { AdminIdentity } from '@casino/auth';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { createLogger } from '@casino/logger';
import type { Logger } from '@casino/logger';
import type { TestStack } from './stack-harness';

export interface ProductionGateway {
  gateway: RunningGateway;
  /** An access token for `identity`, signed with this gateway's own (non-development) access-token key. */
  tokenFor(identity: AdminIdentity): Promise<string>;
}

/**
 * A gateway with NODE_ENV=production and keys of its own, routed to a test stack's subgraphs. Those subgraphs
 * know only the stack's gateway key, so they refuse its subgraph calls: use it for what the gateway answers
 * itself (HTTP errors, validation, introspection).
 */
export async function startProductionGateway(
  stack: TestStack,
  options: { env?: Record<string, string>; logger?: Logger } = {},
): Promise<ProductionGateway> {
  const seed = randomBytes(32);
  const accessSeed = randomBytes(32);
  const tokenEnv = {
    NODE_ENV: 'production',
    JWT_ISSUER: 'casino-supergraph',
    JWT_AUDIENCE: 'casino-dashboards',
    ACCESS_TOKEN_TTL_SECONDS: 900,
    ACCESS_TOKEN_SIGNING_KEY: accessSeed.toString('base64'),
    ACCESS_TOKEN_PUBLIC_KEYS: publicKeyString(privateKeyFromSeed(accessSeed)),
  };
  const env = parseGatewayEnv({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DEMO_PASSWORD: randomBytes(12).toString('base64url'),
    SERVICE_SIGNING_KEY: seed.toString('base64'),
    SERVICE_PUBLIC_KEYS: CALLER_NAMES.map((caller) =>
      caller === 'gateway'
        ? `${caller}:${publicKeyString(privateKeyFromSeed(seed))}`
        : `${caller}:${publicKeyString(generateKeyPairSync('ed25519').publicKey)}`,
    ).join(','),
    ACCESS_TOKEN_PUBLIC_KEYS: tokenEnv.ACCESS_TOKEN_PUBLIC_KEYS,
    ...options.env,
  });
  const settings = accessTokenSettingsFromEnv(tokenEnv, { issuer: true });
  const gateway = await startGateway({
    env,
    logger: options.logger ?? createLogger({ name: 'gateway', level: 'silent' }),
    subgraphUrls: {
      loyalty: stack.subgraphs.loyalty.url,
      gaming: stack.subgraphs.gaming.url,
      workforce: stack.subgraphs.workforce.url,
      marketing: stack.subgraphs.marketing.url,
      compliance: stack.subgraphs.compliance.url,
    },
  });
  return {
    gateway,
    async tokenFor(identity) {
      const { kind: _kind, ...user } = identity;
      return (await issueAccessToken(user, settings)).token;
    },
  };
}
