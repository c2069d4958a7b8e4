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
  /** The sign-in session the access token belongs to: signing out (or a password change) revokes it. */
  sessionId?: string;
}

/** Another subgraph calling an owner's API on its own behalf (audit events, point credits). */
export interface ServiceIdentity {
  kind: 'service';
  service: string;
}

export type Identity = { kind: 'anonymous' } | AdminIdentity | ServiceIdentity;

export const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' });

export class IdentityError extends Error {
  override name = 'IdentityError';
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
