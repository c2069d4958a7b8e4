import { forbiddenError, hasRoleOrPermission } from '@casino/auth';
import { PII_REVEAL } from '@casino/audit';
import { badUserInput } from '@casino/errors';
import type { AdminRole, AdminUserDocument } from './admin-user-store';

/**
 * Every named extra the rules know, with the lowest role that has it anyway by the role matrix (PRODUCT.md
 * §4); on an account below that role it grants what the role would. Kept in step with the rules by
 * permission-catalogue.test.ts, which finds every permission the rules name.
 */
export const PERMISSION_CATALOGUE: Readonly<Record<string, AdminRole>> = {
  // approveComplianceReport (compliance permissions.ts)
  'reports:approve': 'SuperAdmin',
  // auditLogs and AuditLog (compliance permissions.ts)
  'audit:read': 'GeneralAdmin',
  // identity documents in full: loyalty's nicPassport, marketing's idDocument (@casino/audit)
  [PII_REVEAL.permission]: PII_REVEAL.minimumRole,
};

export const KNOWN_PERMISSIONS = Object.keys(PERMISSION_CATALOGUE).sort();

/** The lowest role that has the permission anyway; undefined for a name the catalogue does not know. */
export const minimumRoleOf = (permission: string): AdminRole | undefined =>
  Object.hasOwn(PERMISSION_CATALOGUE, permission) ? PERMISSION_CATALOGUE[permission] : undefined;

type Holder = Pick<AdminUserDocument, 'id' | 'username' | 'role' | 'department' | 'permissions'>;

/** Whether the account has the permission: by its role (that role or above) or as a named extra. */
export function holdsPermission(holder: Holder, permission: string): boolean {
  const minimum = minimumRoleOf(permission);
  if (!minimum) return false;
  return hasRoleOrPermission(
    {
      kind: 'admin',
      userId: holder.id,
      username: holder.username,
      role: holder.role,
      department: holder.department,
      permissions: holder.permissions,
    },
    minimum,
    permission,
  );
}

/**
 * Refuses to hand out what the granter does not hold: `granted` are the permissions the change adds (ones
 * the account keeps are not granted again, and taking any away needs nothing). An unknown name is bad input,
 * so a typo cannot be stored as a permission that does nothing; one the granter lacks is FORBIDDEN, naming
 * what would allow it. Nothing is checked against the target's role: a redundant extra grants nothing more.
 */
export function assertMayGrant(granter: Holder, granted: readonly string[], field: string): void {
  for (const permission of granted) {
    if (!minimumRoleOf(permission)) {
      throw badUserInput(field, `${permission} is not a known permission (${KNOWN_PERMISSIONS.join(', ')})`);
    }
  }
  for (const permission of granted) {
    if (!holdsPermission(granter, permission)) {
      throw forbiddenError(
        `Granting ${permission} needs ${minimumRoleOf(permission)} or the ${permission} permission`,
      );
    }
  }
}
