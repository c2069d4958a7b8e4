import type { KeyObject } from 'node:crypto';
import Redis from 'ioredis';
import type { CredentialSigner, CredentialVerifier } from './credential';
import {
  CALLER_NAMES,
  devPublicKeyOf,
  devPublicKeysSpec,
  devSeedOf,
  parsePublicKeys,
  privateKeyFromSeed,
  publicKeyString,
} from './credential';
import type { ReplayGuard } from './replay-guard';
import type { TokenSettings } from './tokens';
import { devAccessTokenPublicKey, devAccessTokenSeed, keyIdOf, parseAccessTokenPublicKeys } from './tokens';
import { MemoryReplayGuard, RedisReplayGuard } from './replay-guard';

/** Key variables that are missing, malformed or still the public development keys in production. */
export class CredentialConfigError extends Error {
  override name = 'CredentialConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export interface CredentialEnv {
  NODE_ENV: string;
  SERVICE_SIGNING_KEY?: string | undefined;
  SERVICE_PUBLIC_KEYS?: string | undefined;
  REQUEST_CREDENTIAL_TTL_SECONDS: number;
}

export interface CredentialKeys {
  signer: CredentialSigner;
  /** Public keys of the callers this service accepts. */
  callers: Map<string, KeyObject>;
}

/**
 * This service's signer and the callers' public keys from the environment. Outside production unset values are
 * the public development keys (derived from each caller's name); in production both must be set and neither
 * may contain a development key. Every problem is reported together.
 */
export function credentialKeysFromEnv(self: string, env: CredentialEnv): CredentialKeys {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  let key: KeyObject | undefined;
  if (env.SERVICE_SIGNING_KEY) {
    try {
      key = privateKeyFromSeed(env.SERVICE_SIGNING_KEY);
      if (production && publicKeyString(key) === devPublicKeyOf(self)) {
        problems.push('SERVICE_SIGNING_KEY: is the public development key; generate one with `pnpm keys`');
      }
    } catch {
      problems.push('SERVICE_SIGNING_KEY: must be a base64 32-byte Ed25519 seed (`pnpm keys` makes them)');
    }
  } else if (production) {
    problems.push('SERVICE_SIGNING_KEY: is required in production (`pnpm keys` makes them)');
  } else {
    key = privateKeyFromSeed(devSeedOf(self));
  }
  let callers = new Map<string, KeyObject>();
  if (env.SERVICE_PUBLIC_KEYS || !production) {
    try {
      callers = parsePublicKeys(env.SERVICE_PUBLIC_KEYS || devPublicKeysSpec());
    } catch (error) {
      problems.push(`SERVICE_PUBLIC_KEYS: ${(error as Error).message}`);
    }
    if (production) {
      for (const name of CALLER_NAMES) {
        const known = callers.get(name);
        if (known && publicKeyString(known) === devPublicKeyOf(name)) {
          problems.push(`SERVICE_PUBLIC_KEYS: ${name} is the public development key`);
        }
      }
    }
  } else {
    problems.push('SERVICE_PUBLIC_KEYS: is required in production (`pnpm keys` makes them)');
  }
  if (problems.length > 0 || !key) throw new CredentialConfigError(problems);
  return { signer: { issuer: self, key, ttlSeconds: env.REQUEST_CREDENTIAL_TTL_SECONDS }, callers };
}

/** A Redis client for state every replica shares; fails commands fast rather than queueing them. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false });
}

/** The one-time-id memory: Redis when configured (every replica sees every id), this process's otherwise. */
export function createReplayGuard(redis: Redis | null): ReplayGuard {
  return redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard();
}

export function createCredentialVerifier(
  self: string,
  keys: CredentialKeys,
  env: CredentialEnv,
  replay: ReplayGuard,
): CredentialVerifier {
  return { audience: self, keys: keys.callers, maxTtlSeconds: env.REQUEST_CREDENTIAL_TTL_SECONDS, replay };
}

/** A caller's signer with its public development key (tests and local tools; refused in production). */
export function developmentSigner(issuer: string, ttlSeconds = 30): CredentialSigner {
  return { issuer, key: privateKeyFromSeed(devSeedOf(issuer)), ttlSeconds };
}

export interface AccessTokenEnv {
  NODE_ENV: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  ACCESS_TOKEN_SIGNING_KEY?: string | undefined;
  ACCESS_TOKEN_PUBLIC_KEYS?: string | undefined;
}

/**
 * Access-token settings from the environment: the public keys every verifier needs, and (with `issuer: true`,
 * compliance only) the signing key, whose public half must be among the published keys. Outside production
 * unset values are the public development keys; production requires its own.
 */
export function accessTokenSettingsFromEnv(
  env: AccessTokenEnv,
  options: { issuer?: boolean } = {},
): TokenSettings {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  let publicKeys = new Map<string, KeyObject>();
  if (env.ACCESS_TOKEN_PUBLIC_KEYS || !production) {
    try {
      publicKeys = parseAccessTokenPublicKeys(env.ACCESS_TOKEN_PUBLIC_KEYS || devAccessTokenPublicKey());
      if (
        production &&
        [...publicKeys.values()].some((k) => publicKeyString(k) === devAccessTokenPublicKey())
      ) {
        problems.push('ACCESS_TOKEN_PUBLIC_KEYS: contains the public development key');
      }
    } catch {
      problems.push('ACCESS_TOKEN_PUBLIC_KEYS: must be base64url Ed25519 public keys separated by commas');
    }
  } else {
    problems.push('ACCESS_TOKEN_PUBLIC_KEYS: is required in production (`pnpm keys` makes them)');
  }
  let signingKey: KeyObject | undefined;
  if (options.issuer) {
    if (env.ACCESS_TOKEN_SIGNING_KEY || !production) {
      try {
        signingKey = privateKeyFromSeed(env.ACCESS_TOKEN_SIGNING_KEY || devAccessTokenSeed());
        if (production && publicKeyString(signingKey) === devAccessTokenPublicKey()) {
          problems.push('ACCESS_TOKEN_SIGNING_KEY: is the public development key');
        } else if (publicKeys.size > 0 && !publicKeys.has(keyIdOf(signingKey))) {
          problems.push('ACCESS_TOKEN_PUBLIC_KEYS: must include the public key of ACCESS_TOKEN_SIGNING_KEY');
        }
      } catch {
        problems.push(
          'ACCESS_TOKEN_SIGNING_KEY: must be a base64 32-byte Ed25519 seed (`pnpm keys` makes them)',
        );
      }
    } else {
      problems.push('ACCESS_TOKEN_SIGNING_KEY: is required in production (`pnpm keys` makes them)');
    }
  }
  if (problems.length > 0) throw new CredentialConfigError(problems);
  return {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    signingKey,
    publicKeys,
  };
}

/** Access-token settings with the public development keys (tests and local tools). */
export function developmentTokenSettings(ttlSeconds = 900): TokenSettings {
  return accessTokenSettingsFromEnv(
    {
      NODE_ENV: 'development',
      JWT_ISSUER: 'casino-supergraph',
      JWT_AUDIENCE: 'casino-dashboards',
      ACCESS_TOKEN_TTL_SECONDS: ttlSeconds,
    },
    { issuer: true },
  );
}

/** Closes a Redis client for good: QUIT when it is connected, and no reconnection attempts afterwards. */
export async function closeRedis(redis: Redis | null | undefined): Promise<void> {
  if (!redis) return;
  await redis.quit().catch(() => undefined);
  redis.disconnect();
}
