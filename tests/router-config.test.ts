import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROUTER_SIGNATURE_HEADER, signRouterRequest } from '@casino/auth';
import { SUBGRAPH_NAMES } from '../scripts/stack';

/**
 * No router runs in CI (both take 13-20 minutes to build), so the shipped configuration is held to what the
 * subgraphs' router mode expects; tests/router-mode.test.ts drives the subgraph side with real TLS clients and
 * a signer computing the same signature as the Hive expression below.
 */
interface HeaderRule {
  propagate?: { named: string | string[] };
  insert?: { name: string; expression?: string };
}

interface HiveConfig {
  jwt: { jwks_providers: { url: string }[] } & Record<string, unknown>;
  headers: { all: { request: HeaderRule[] } };
  traffic_shaping: { all: { tls: { client_auth: unknown } } };
  override_subgraph_urls: Record<string, { url: string }>;
}

interface ApolloConfig {
  headers: { all: { request: HeaderRule[] } };
  tls: { subgraph: { all: { client_authentication: unknown } } };
  override_subgraph_url: Record<string, string>;
}

const read = <T>(file: string) =>
  parse(readFileSync(path.resolve(__dirname, '../deploy/router', file), 'utf8')) as T;

describe('deploy/router/hive/router.config.yaml', () => {
  const config = read<HiveConfig>('hive/router.config.yaml');

  it('verifies access tokens as compliance issues them (EdDSA, issuer, audience, its JWKS)', () => {
    expect(config.jwt).toMatchObject({
      enabled: true,
      allowed_algorithms: ['EdDSA'],
      issuers: ['casino-supergraph'],
      audiences: ['casino-dashboards'],
    });
    expect(config.jwt.jwks_providers[0].url).toMatch(/compliance:4005\/\.well-known\/jwks\.json$/);
  });

  it('signs every subgraph request the way the subgraphs verify it', () => {
    const rules = config.headers.all.request;
    const expression = rules.find((rule) => rule.insert?.name === ROUTER_SIGNATURE_HEADER)?.insert
      ?.expression;
    if (!expression) throw new Error(`no ${ROUTER_SIGNATURE_HEADER} expression`);
    // the claims of RouterSignatureClaims, in the sorted order encode_json writes them
    const keys = [...expression.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['aud', 'exp', 'nonce', 'sid', 'sub']);
    expect(expression).toContain('"aud": .subgraph.name');
    expect(expression).toContain('uuid_v4()');
    expect(expression).toMatch(/hmac\(payload, string!\(env\("ROUTER_SIGNING_SECRET"\)\), "SHA-256"\)/);
    expect(expression).toMatch(/payload \+ "\." \+ encode_base64\(/);
    const propagated = rules.flatMap((rule) => [rule.propagate?.named ?? []].flat());
    expect(propagated).toEqual(expect.arrayContaining(['authorization']));
  });

  it('computes, with real VRL, byte for byte what the subgraphs verify (a recorded test vector)', () => {
    // The expression above run by the `vrl` CLI 0.38 (crates.io), `env(...)` read as `get_env_var!(...)`, on
    // { subgraph: { name: 'loyalty' }, request: { jwt: { claims: { sub, sid } } } } with this test secret.
    const fromVrl =
      'eyJhdWQiOiJsb3lhbHR5IiwiZXhwIjoxNzk2NTE5ODM1LCJub25jZSI6IjIwY2JjNDMzLWUxNTgtNDE0Mi04ZDZiLTI1NThiZTgyMTkyMCIs' +
      'InNpZCI6IjViMGU4ZjdhLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwYzBkZSIsInN1YiI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTczNzU3' +
      'MDY1NzIifQ==.I0RjpVCrhswnVfe5MUoNfOMSmh26jRKXogB28cusR/w=';
    const signed = signRouterRequest('router-signing-secret-for-this-test-only-0123456789', {
      aud: 'loyalty',
      sub: '00000000-0000-4000-8000-7375706572',
      sid: '5b0e8f7a-0000-4000-8000-00000000c0de',
      nonce: '20cbc433-e158-4142-8d6b-2558be821920',
      now: (1_796_519_835 - 30) * 1000,
    });
    expect(signed).toBe(fromVrl);
  });

  it('presents its client certificate to every subgraph, over HTTPS', () => {
    expect(config.traffic_shaping.all.tls.client_auth).toMatchObject({
      cert_file: expect.any(String),
      key_file: expect.any(String),
    });
    expect(Object.keys(config.override_subgraph_urls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
    for (const target of Object.values(config.override_subgraph_urls)) {
      expect(target.url).toMatch(/^https:\/\//);
    }
  });
});

describe('deploy/router/apollo/router.yaml', () => {
  const config = read<ApolloConfig>('apollo/router.yaml');

  it('forwards the access token and presents its client certificate to every subgraph, over HTTPS', () => {
    const propagated = config.headers.all.request.map((rule) => rule.propagate?.named);
    expect(propagated).toContain('authorization');
    expect(config.tls.subgraph.all.client_authentication).toMatchObject({
      certificate_chain: expect.any(String),
      key: expect.any(String),
    });
    expect(Object.keys(config.override_subgraph_url).sort()).toEqual([...SUBGRAPH_NAMES].sort());
    for (const url of Object.values(config.override_subgraph_url)) expect(url).toMatch(/^https:\/\//);
  });
});
