import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CALLER_NAMES, devPublicKeysSpec, developmentSigner, publicKeyString } from '@casino/auth';
import { ConfigError } from '@casino/config';
import { parseGatewayEnv, subgraphUrlOverrides } from './env';

describe('gateway configuration', () => {
  it('starts in development with the built-in development secrets', () => {
    const env = parseGatewayEnv({});
    expect(env.PORT).toBe(4000);
    expect(env.ACCESS_TOKEN_PUBLIC_KEYS).toBeUndefined();
  });

  it('refuses production with the default signing secrets or the demo password, naming each', () => {
    let caught: unknown;
    try {
      parseGatewayEnv({ NODE_ENV: 'production' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^ACCESS_TOKEN_PUBLIC_KEYS: is required in production/m);
    expect(problems).toMatch(/^SERVICE_SIGNING_KEY: is required in production/m);
    expect(problems).toMatch(/^SERVICE_PUBLIC_KEYS: is required in production/m);
    expect(problems).toMatch(/^DEMO_PASSWORD: /m);
  });

  it('refuses production with the public development keys of the request credentials', () => {
    const devSeed = Buffer.from(developmentSigner('gateway').key.export({ format: 'jwk' }).d!, 'base64url');
    expect(() =>
      parseGatewayEnv({
        NODE_ENV: 'production',
        ACCESS_TOKEN_PUBLIC_KEYS: publicKeyString(generateKeyPairSync('ed25519').publicKey),
        DEMO_PASSWORD: 'an-operator-chosen-password',
        SERVICE_SIGNING_KEY: devSeed.toString('base64'),
        SERVICE_PUBLIC_KEYS: devPublicKeysSpec(),
      }),
    ).toThrow(/SERVICE_SIGNING_KEY: is the public development key/);
  });

  it('starts in production once every secret is its own', () => {
    const env = parseGatewayEnv({
      NODE_ENV: 'production',
      ACCESS_TOKEN_PUBLIC_KEYS: publicKeyString(generateKeyPairSync('ed25519').publicKey),
      SERVICE_SIGNING_KEY: randomBytes(32).toString('base64'),
      SERVICE_PUBLIC_KEYS: CALLER_NAMES.map(
        (name) => `${name}:${publicKeyString(generateKeyPairSync('ed25519').publicKey)}`,
      ).join(','),
      DEMO_PASSWORD: 'an-operator-chosen-password',
    });
    expect(env.NODE_ENV).toBe('production');
  });

  it('routes each subgraph to its *_URL override, keeping the supergraph URL for the rest', () => {
    const env = parseGatewayEnv({
      LOYALTY_URL: 'http://loyalty:4001/graphql',
      COMPLIANCE_URL: 'http://c:4005/graphql',
    });
    expect(subgraphUrlOverrides(env)).toEqual({
      loyalty: 'http://loyalty:4001/graphql',
      compliance: 'http://c:4005/graphql',
    });
  });
});
