import { createHmac, timingSafeEqual } from 'node:crypto';

export const ROLES = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'] as const;
export type Role = (typeof ROLES)[number];

/** Higher number, more power; a role can do what every lower role can unless a rule says otherwise. */
export const ROLE_RANK: Record<Role, number> = { Supervisor: 1, Manager: 2, GeneralAdmin: 3, SuperAdmin: 4 };

export interface AdminIdentity {
  kind: 'admin';
  userId: string;
  username: string;
  role: Role;
  department: string | null;
  permissions: string[];
}

/** Another subgraph calling an owner's API on its own behalf (audit events, point credits). */
export interface ServiceIdentity {
  kind: 'service';
  service: string;
}

export type Identity = { kind: 'anonymous' } | AdminIdentity | ServiceIdentity;

export const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' });

/** The header in which the gateway (or a service) forwards who is calling, signed. */
export const IDENTITY_HEADER = 'x-casino-identity';

export class IdentityError extends Error {
  override name = 'IdentityError';
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * `<base64url(JSON)>.<base64url(HMAC-SHA256)>`. The payload carries an expiry a few seconds ahead, so a
 * captured header cannot be replayed for long.
 */
export function signIdentity(identity: Identity, secret: string, ttlSeconds = 60, now = Date.now()): string {
  const payload = b64(JSON.stringify({ ...identity, exp: Math.floor(now / 1000) + ttlSeconds }));
  return `${payload}.${b64(mac(payload, secret))}`;
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Checks the signature and expiry of an identity header and returns the identity it carries. */
export function verifyIdentity(
  header: string | undefined | null,
  secret: string,
  now = Date.now(),
): Identity {
  if (!header) throw new IdentityError('missing identity header');
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) throw new IdentityError('malformed identity header');
  const expected = mac(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new IdentityError('identity signature does not verify');
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new IdentityError('malformed identity payload');
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < now) throw new IdentityError('identity expired');
  switch (claims.kind) {
    case 'anonymous':
      return ANONYMOUS;
    case 'service':
      if (typeof claims.service !== 'string') break;
      return { kind: 'service', service: claims.service };
    case 'admin':
      if (typeof claims.userId !== 'string' || typeof claims.username !== 'string' || !isRole(claims.role))
        break;
      return {
        kind: 'admin',
        userId: claims.userId,
        username: claims.username,
        role: claims.role,
        department: typeof claims.department === 'string' ? claims.department : null,
        permissions: Array.isArray(claims.permissions)
          ? claims.permissions.filter((p) => typeof p === 'string')
          : [],
      };
  }
  throw new IdentityError('identity payload is not valid');
}

export const isAdmin = (identity: Identity): identity is AdminIdentity => identity.kind === 'admin';

/** Role at or above `minimum`, or one of the named extra permissions granted to a lower role. */
export function hasRoleOrPermission(identity: Identity, minimum: Role, permission?: string): boolean {
  if (!isAdmin(identity)) return false;
  if (ROLE_RANK[identity.role] >= ROLE_RANK[minimum]) return true;
  return permission !== undefined && identity.permissions.includes(permission);
}

/** Managers and Supervisors act within their own department; GeneralAdmin and SuperAdmin everywhere. */
export function inDepartmentScope(identity: Identity, department: string | null | undefined): boolean {
  if (!isAdmin(identity)) return false;
  if (ROLE_RANK[identity.role] >= ROLE_RANK.GeneralAdmin) return true;
  return identity.department !== null && identity.department === department;
}
