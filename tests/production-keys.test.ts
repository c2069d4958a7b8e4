import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CALLER_NAMES, devPublicKeyOf, privateKeyFromSeed, publicKeyString } from '@casino/auth';
import { complianceSubgraph } from '@casino/compliance';
import { ConfigError } from '@casino/config';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { loyaltySubgraph } from '@casino/loyalty';
import { parseSubgraphEnv } from '@casino/server';

/** A production environment with every key of its own, for `name`. */
function productionEnv(name: string): Record<string, string> {
  const seed = randomBytes(32);
  const accessSeed = randomBytes(32);
  return {
    NODE_ENV: 'production',
    MONGODB_URI: 'mongodb://db.example:27017',
    DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    DATA_ENCRYPTION_KEY_ID: 'k1',
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    SERVICE_SIGNING_KEY: seed.toString('base64'),
    SERVICE_PUBLIC_KEYS: CALLER_NAMES.map((caller) =>
      caller === name
        ? `${caller}:${publicKeyString(privateKeyFromSeed(seed))}`
        : `${caller}:${publicKeyString(generateKeyPairSync('ed25519').publicKey)}`,
    ).join(','),
    ACCESS_TOKEN_SIGNING_KEY: accessSeed.toString('base64'),
    ACCESS_TOKEN_PUBLIC_KEYS: publicKeyString(privateKeyFromSeed(accessSeed)),
  };
}

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => problem.split(':')[0]!);
  }
};

describe('keys in production', () => {
  it('start a subgraph once every key is its own', () => {
    expect(problemsOf(() => parseSubgraphEnv(complianceSubgraph, productionEnv('compliance')))).toEqual([]);
    expect(problemsOf(() => parseSubgraphEnv(loyaltySubgraph, productionEnv('loyalty')))).toEqual([]);
  });

  it('refuse a missing access-token signing key where tokens are signed, and only there', () => {
    const { ACCESS_TOKEN_SIGNING_KEY: _dropped, ...withoutSigningKey } = productionEnv('compliance');
    expect(problemsOf(() => parseSubgraphEnv(complianceSubgraph, withoutSigningKey))).toEqual([
      'ACCESS_TOKEN_SIGNING_KEY',
    ]);
    const { ACCESS_TOKEN_SIGNING_KEY: _unused, ...loyaltyEnv } = productionEnv('loyalty');
    expect(problemsOf(() => parseSubgraphEnv(loyaltySubgraph, loyaltyEnv))).toEqual([]);
  });

  it('refuse the public development keys, naming each variable', () => {
    const env = {
      ...productionEnv('loyalty'),
      ...DEV_PROTECTION_ENV,
      SERVICE_PUBLIC_KEYS: `gateway:${devPublicKeyOf('gateway')}`,
      ACCESS_TOKEN_PUBLIC_KEYS: '',
    };
    const problems = problemsOf(() => parseSubgraphEnv(loyaltySubgraph, env));
    expect(problems).toEqual(expect.arrayContaining(['SERVICE_PUBLIC_KEYS', 'ACCESS_TOKEN_PUBLIC_KEYS']));
  });
});
