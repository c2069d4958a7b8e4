import { SignJWT, errors, jwtVerify } from 'jose';
import type { AdminIdentity, Role } from './identity';
import { ROLES } from './identity';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

const key = (secret: string) => new TextEncoder().encode(secret);

/** A short-lived HS256 access token for an admin user. */
export async function issueAccessToken(
  user: Omit<AdminIdentity, 'kind'>,
  settings: TokenSettings,
  now = Date.now(),
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = new Date((issuedAt + settings.ttlSeconds) * 1000);
  const token = await new SignJWT({
    username: user.username,
    role: user.role,
    department: user.department,
    permissions: user.permissions,
    ...(user.sessionId ? { sid: user.sessionId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .sign(key(settings.secret));
  return { token, expiresAt };
}

/**
 * Verifies signature (HS256 only, so `alg: none` and algorithm swaps fail), expiry, issuer and audience, and
 * returns the admin identity the token carries.
 */
export async function verifyAccessToken(token: string, settings: TokenSettings): Promise<AdminIdentity> {
  try {
    const { payload } = await jwtVerify(token, key(settings.secret), {
      algorithms: ['HS256'],
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
      permissions: Array.isArray(payload.permissions) ? (payload.permissions as string[]) : [],
    };
    if (typeof payload.sid === 'string') identity.sessionId = payload.sid;
    return identity;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError('token expired');
    throw new TokenError('token is not valid');
  }
}
