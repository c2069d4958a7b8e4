import { ConfigError } from '@casino/config';
import { parseGatewayEnv, subgraphUrlOverrides } from './env';

describe('gateway configuration', () => {
  it('starts in development with the built-in development secrets', () => {
    const env = parseGatewayEnv({});
    expect(env.PORT).toBe(4000);
    expect(env.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
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
    expect(problems).toMatch(/^JWT_SECRET: /m);
    expect(problems).toMatch(/^IDENTITY_SIGNING_SECRET: /m);
    expect(problems).toMatch(/^DEMO_PASSWORD: /m);
  });

  it('starts in production once every secret is its own', () => {
    const env = parseGatewayEnv({
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      IDENTITY_SIGNING_SECRET: 'q'.repeat(40),
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
