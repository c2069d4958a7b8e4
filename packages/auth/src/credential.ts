import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeCompactHeader, signCompactEdDSA, verifyCompactEdDSA } from './compact-jws';
import type { AdminIdentity, Identity } from './identity';
import { ANONYMOUS, IdentityError, ROLES } from './identity';
import type { ReplayGuard } from './replay-guard';

/**
 * The per-request credential every call into a subgraph carries: a JWS (EdDSA) signed by the caller (the
 * gateway, or a subgraph calling as its service identity) that authorises exactly one request — audience the
 * target service, a SHA-256 of the exact body bytes, a short expiry and a one-time id. Each caller has its own
 * key pair; subgraphs hold only public keys, so no subgraph can mint the gateway's (or another service's)
 * credential.
 */
export const REQUEST_CREDENTIAL_HEADER = 'x-casino-credential';
const CREDENTIAL_TYPE = 'casino-request+jwt';

/** The callers whose credentials subgraphs accept: the gateway plus the five subgraphs as services. */
export const CALLER_NAMES = ['gateway', 'loyalty', 'gaming', 'workforce', 'marketing', 'compliance'] as const;
export type CallerName = (typeof CALLER_NAMES)[number];

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410)
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from its 32-byte seed (base64 or base64url). */
export function privateKeyFromSeed(seed: string | Buffer): KeyObject {
  const raw = typeof seed === 'string' ? Buffer.from(seed, 'base64') : seed;
  if (raw.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** The raw public key (base64url, the JWK `x`) of a key pair's private or public half. */
export function publicKeyString(key: KeyObject): string {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  return jwk.x!;
}

/** An Ed25519 public key from its raw 32 bytes in base64url (the JWK `x`). */
export function publicKeyFromString(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/**
 * The public development key seeds: derived from the caller's name, so `pnpm start` works with no key set up.
 * Every service refuses them when NODE_ENV=production.
 */
export function devSeedOf(caller: string): Buffer {
  return createHash('sha256').update(`casino-dev-only-service-key:${caller}`).digest();
}

export const devPublicKeyOf = (caller: string) => publicKeyString(privateKeyFromSeed(devSeedOf(caller)));

/** `name:x,name:x` (the format of SERVICE_PUBLIC_KEYS) into a map of public keys. */
export function parsePublicKeys(spec: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const entry of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, x, extra] = entry.split(':');
    if (!name || !x || extra !== undefined) throw new Error(`"${name ?? ''}" is not name:publicKey`);
    keys.set(name, publicKeyFromString(x));
  }
  return keys;
}

/** The development public keys of every caller, in SERVICE_PUBLIC_KEYS format. */
export const devPublicKeysSpec = () =>
  CALLER_NAMES.map((name) => `${name}:${devPublicKeyOf(name)}`).join(',');

export const bodyHash = (body: string | Buffer) => createHash('sha256').update(body).digest('base64url');

export interface CredentialSigner {
  /** Who signs: `gateway` or a subgraph's name. */
  issuer: string;
  key: KeyObject;
  ttlSeconds: number;
}

export interface CredentialClaims {
  identity: Identity;
  /** The target service (`loyalty`, ...). */
  audience: string;
  /** The exact bytes of the request body. */
  body: string | Buffer;
  /** The client's address, as the gateway saw it (rate limits and the audit trail rely on it). */
  ip?: string | null;
}

/** Signs one request (synchronous work; a promise so callers need not care how it is signed). */
export async function signRequestCredential(
  signer: CredentialSigner,
  claims: CredentialClaims,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signCompactEdDSA(
    { alg: 'EdDSA', typ: CREDENTIAL_TYPE, kid: signer.issuer },
    {
      iss: signer.issuer,
      aud: claims.audience,
      iat,
      exp: iat + signer.ttlSeconds,
      jti: randomUUID(),
      bh: bodyHash(claims.body),
      idn: claims.identity,
      ...(claims.ip ? { ip: claims.ip } : {}),
    },
    signer.key,
  );
}

export interface CredentialVerifier {
  /** This service's name: the audience a credential must name. */
  audience: string;
  /** Public keys of the callers it accepts, by name. */
  keys: Map<string, KeyObject>;
  /** The longest lifetime accepted, whatever a credential's own claims say. */
  maxTtlSeconds: number;
  replay: ReplayGuard;
  clockToleranceSeconds?: number;
}

export interface VerifiedRequest {
  identity: Identity;
  issuer: string;
  ip: string | null;
}

const fail = (message: string): never => {
  throw new IdentityError(message);
};

function identityFrom(raw: unknown, issuer: string): Identity {
  const claims = (raw ?? {}) as Record<string, unknown>;
  if (issuer !== 'gateway') {
    // a service speaks only for itself
    if (claims.kind !== 'service' || claims.service !== issuer) fail('a service may only call as itself');
    return { kind: 'service', service: issuer };
  }
  if (claims.kind === 'anonymous') return ANONYMOUS;
  if (claims.kind === 'service' && claims.service === 'gateway')
    return { kind: 'service', service: 'gateway' };
  if (
    claims.kind !== 'admin' ||
    typeof claims.userId !== 'string' ||
    typeof claims.username !== 'string' ||
    !(ROLES as readonly unknown[]).includes(claims.role)
  ) {
    return fail('identity claims are not valid');
  }
  const admin: AdminIdentity = {
    kind: 'admin',
    userId: claims.userId,
    username: claims.username,
    role: claims.role as AdminIdentity['role'],
    department: typeof claims.department === 'string' ? claims.department : null,
    permissions: Array.isArray(claims.permissions)
      ? claims.permissions.filter((p): p is string => typeof p === 'string')
      : [],
  };
  if (typeof claims.sessionId === 'string') admin.sessionId = claims.sessionId;
  return admin;
}

/**
 * Verifies a request credential against the exact body received: signature by a known caller, audience this
 * service, body hash, lifetime (both its age and its own expiry are capped by `maxTtlSeconds`), and that its
 * one-time id was never seen before. Throws IdentityError on any failure.
 */
export async function verifyRequestCredential(
  verifier: CredentialVerifier,
  token: string | null | undefined,
  body: string | Buffer,
): Promise<VerifiedRequest> {
  if (!token) return fail('missing request credential');
  let kid: unknown;
  try {
    kid = decodeCompactHeader(token).kid;
  } catch {
    return fail('malformed request credential');
  }
  const key = typeof kid === 'string' ? verifier.keys.get(kid) : undefined;
  if (typeof kid !== 'string' || !key) return fail('request credential from an unknown caller');
  const tolerance = verifier.clockToleranceSeconds ?? 2;
  let payload: Record<string, unknown>;
  try {
    payload = verifyCompactEdDSA(token, key, CREDENTIAL_TYPE);
  } catch {
    return fail('request credential does not verify');
  }
  const { iat, exp, jti, bh } = payload;
  if (payload.iss !== kid || payload.aud !== verifier.audience) fail('request credential does not verify');
  if (typeof iat !== 'number' || typeof exp !== 'number') return fail('request credential does not verify');
  const now = Date.now() / 1000;
  if (exp + tolerance < now || now - iat > verifier.maxTtlSeconds + tolerance)
    fail('request credential expired');
  if (iat > now + tolerance) fail('request credential is issued in the future');
  if (exp - iat > verifier.maxTtlSeconds) fail('request credential lives longer than allowed');
  if (bh !== bodyHash(body)) fail('request credential was issued for another body');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 64)
    return fail('request credential has no valid id');
  const identity = identityFrom(payload.idn, kid);
  // remembered until it would have expired anyway (plus the clock tolerance)
  if (!(await verifier.replay.claim(`${kid}:${jti}`, (exp + tolerance) * 1000))) {
    fail('request credential was already used');
  }
  return { identity, issuer: kid, ip: typeof payload.ip === 'string' ? payload.ip : null };
}
