import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { IdentityError } from './identity';
import type { ReplayGuard } from './replay-guard';

/**
 * Router mode: the per-request signature a router computes for each subgraph request, for routers that
 * cannot sign a JWS per request (Hive Router does this with a VRL header expression, see
 * deploy/router/hive/router.config.yaml). `base64(json) "." base64(HMAC-SHA256(base64(json), secret))`, where
 * the JSON (keys sorted, as VRL writes objects) names the subgraph, an expiry, a one-time nonce and the user's
 * subject and session from the verified access token. It cannot cover the body (a router's expression does
 * not see it), so it is used together with mutual TLS.
 */
export const ROUTER_SIGNATURE_HEADER = 'x-casino-router-signature';

export interface RouterSignatureClaims {
  aud: string;
  exp: number;
  nonce: string;
  sub: string;
  sid: string;
}

/** What the shipped Hive Router expression computes, in TypeScript (tests, tools and any other router). */
export function signRouterRequest(
  secret: string,
  claims: { aud: string; sub?: string; sid?: string; ttlSeconds?: number; nonce?: string; now?: number },
): string {
  const exp = Math.floor((claims.now ?? Date.now()) / 1000) + (claims.ttlSeconds ?? 30);
  const body: RouterSignatureClaims = {
    aud: claims.aud,
    exp,
    nonce: claims.nonce ?? randomUUID(),
    sid: claims.sid ?? '',
    sub: claims.sub ?? '',
  };
  // VRL's encode_json writes object keys in sorted order; so does this
  const json = JSON.stringify(body, Object.keys(body).sort());
  const payload = Buffer.from(json).toString('base64');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64')}`;
}

export interface RouterSignatureVerifier {
  secret: string;
  audience: string;
  maxTtlSeconds: number;
  replay: ReplayGuard;
  clockToleranceSeconds?: number;
}

const fail = (message: string): never => {
  throw new IdentityError(message);
};

/**
 * Checks a router signature: the HMAC, this subgraph as audience, an expiry no further away than the
 * configured lifetime, a nonce never seen before, and the same user and session as the access token the
 * router forwarded (empty for an anonymous request).
 */
export async function verifyRouterSignature(
  verifier: RouterSignatureVerifier,
  header: string | null,
  user: { sub: string; sid: string },
  now = Date.now(),
): Promise<void> {
  if (!header) return fail('missing router signature');
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) return fail('malformed router signature');
  const expected = createHmac('sha256', verifier.secret).update(payload).digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('router signature does not verify');
  }
  let claims: Partial<RouterSignatureClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Partial<RouterSignatureClaims>;
  } catch {
    return fail('malformed router signature payload');
  }
  const seconds = Math.floor(now / 1000);
  const tolerance = verifier.clockToleranceSeconds ?? 2;
  if (claims.aud !== verifier.audience) fail('router signature is for another subgraph');
  if (typeof claims.exp !== 'number' || claims.exp + tolerance < seconds) fail('router signature expired');
  if (claims.exp! > seconds + verifier.maxTtlSeconds + tolerance) {
    fail('router signature lives longer than allowed');
  }
  if (typeof claims.nonce !== 'string' || claims.nonce.length < 16 || claims.nonce.length > 64) {
    fail('router signature has no valid nonce');
  }
  if ((claims.sub ?? '') !== user.sub || (claims.sid ?? '') !== user.sid) {
    fail('router signature was made for another user');
  }
  if (!(await verifier.replay.claim(`router:${claims.nonce}`, (claims.exp! + tolerance) * 1000))) {
    fail('router signature was already used');
  }
}
