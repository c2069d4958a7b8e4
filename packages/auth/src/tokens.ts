import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { AdminIdentity, Identity, Role } from './identity';
import { ANONYMOUS, ROLES } from './identity';
import { devSeedOf, privateKeyFromSeed, publicKeyFromString, publicKeyString } from './credential';

/**
 * Access tokens are EdDSA JWTs: compliance signs them with its private key; the gateway (and every subgraph
 * behind Apollo Router or Hive Router) verifies them with the public keys, published as a JWKS at
 * compliance's `/.well-known/jwks.json`. No verifier holds anything that could mint a token.
 */
export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** Present only where tokens are issued (compliance). */
  signingKey?: KeyObject;
  /** The keys tokens may be signed with, by key id (the current one plus any being rotated out). */
  publicKeys: Map<string, KeyObject>;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

/** The RFC 7638 thumbprint of an Ed25519 public key: its key id in tokens and in the JWKS. */
export function keyIdOf(key: KeyObject): string {
  const x = publicKeyString(key);
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

/** `x,x` (raw public keys, base64url, the format of ACCESS_TOKEN_PUBLIC_KEYS) by key id. */
export function parseAccessTokenPublicKeys(spec: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const x of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = publicKeyFromString(x);
    keys.set(keyIdOf(key), key);
  }
  return keys;
}

/** The public keys as a JSON Web Key Set, for routers and anything else that verifies tokens. */
export function accessTokenJwks(publicKeys: Map<string, KeyObject>): { keys: Record<string, string>[] } {
  return {
    keys: [...publicKeys].map(([kid, key]) => ({
      kty: 'OKP',
      crv: 'Ed25519',
      x: publicKeyString(key),
      kid,
      alg: 'EdDSA',
      use: 'sig',
    })),
  };
}

/** The public development key pair of access tokens (refused in production). */
export const devAccessTokenSeed = () => devSeedOf('access-token');
export const devAccessTokenPublicKey = () => publicKeyString(privateKeyFromSeed(devAccessTokenSeed()));

/** A short-lived EdDSA access token for an admin user, carrying its sign-in session. */
export async function issueAccessToken(
  user: Omit<AdminIdentity, 'kind'>,
  settings: TokenSettings,
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  if (!settings.signingKey) throw new TokenError('this service does not issue access tokens');
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = new Date((issuedAt + settings.ttlSeconds) * 1000);
  const token = await new SignJWT({
    username: user.username,
    role: user.role,
    department: user.department,
    permissions: user.permissions,
    ...(user.sessionId ? { sid: user.sessionId } : {}),
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: keyIdOf(settings.signingKey) })
    .setSubject(user.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .sign(settings.signingKey);
  return { token, expiresAt };
}

/**
 * Verifies signature (EdDSA with a known key id only, so `alg: none`, HS256 with the public key as secret and
 * other algorithm swaps fail), expiry, issuer and audience, and returns the admin identity the token carries.
 */
export async function verifyAccessToken(token: string, settings: TokenSettings): Promise<AdminIdentity> {
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = kid ? settings.publicKeys.get(kid) : undefined;
    if (!key) throw new TokenError('token is not valid');
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'sub'],
    });
    const role = payload.role as Role;
    if (!ROLES.includes(role) || typeof payload.username !== 'string')
      throw new TokenError('token claims are invalid');
    const identity: AdminIdentity = {
      kind: 'admin',
      userId: payload.sub!,
      username: payload.username,
      role,
      department: typeof payload.department === 'string' ? payload.department : null,
      permissions: Array.isArray(payload.permissions)
        ? payload.permissions.filter((p): p is string => typeof p === 'string')
        : [],
    };
    if (typeof payload.sid === 'string') identity.sessionId = payload.sid;
    return identity;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError('token expired');
    throw new TokenError('token is not valid');
  }
}

/**
 * Verifies access tokens, remembering each verified one until it expires: a dashboard sends the same token
 * with every request, and its signature need not be checked again (revocation is still checked per request,
 * by session). Bounded: the oldest entries go first.
 */
export class AccessTokenVerifier {
  private readonly verified = new Map<string, { identity: AdminIdentity; expiresAtMs: number }>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string, now = Date.now()): Promise<AdminIdentity> {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > now) return known.identity;
    if (known) this.verified.delete(token);
    const identity = await verifyAccessToken(token, this.settings);
    const [, payload] = token.split('.');
    const { exp } = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { exp: number };
    if (this.verified.size >= this.maxEntries) {
      this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, { identity, expiresAtMs: exp * 1000 });
    return identity;
  }
}

/**
 * The caller an `Authorization` header names: no header is anonymous; anything but a valid Bearer access token
 * of a session that has not ended is a TokenError. One rule for the gateway and for subgraphs behind a router.
 */
export async function identityFromBearer(
  header: string | null | undefined,
  tokens: AccessTokenVerifier,
  revocations: { isRevoked(sessionId: string | undefined): boolean },
): Promise<Identity> {
  if (!header) return ANONYMOUS;
  const match = /^Bearer (\S+)$/i.exec(header);
  if (!match) throw new TokenError('expected a Bearer token');
  const identity = await tokens.verify(match[1]!);
  if (revocations.isRevoked(identity.sessionId)) throw new TokenError('the session has ended');
  return identity;
}
