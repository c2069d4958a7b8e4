import type { AdminIdentity, Identity } from '@casino/auth';
import { unauthenticatedError } from '@casino/auth';
import type { AdminUserDocument, AdminUserStore } from './admin-user-store';

/** The signed-in admin; the rules already refused anyone else, this only narrows the type. */
export function adminOf(identity: Identity): AdminIdentity {
  if (identity.kind !== 'admin') throw unauthenticatedError();
  return identity;
}

/**
 * The caller's own account, which must still exist and be active: an access token outlives a deactivation
 * by up to its lifetime, and must not be usable to change the account meanwhile.
 */
export async function activeCaller(admins: AdminUserStore, identity: Identity): Promise<AdminUserDocument> {
  const account = await admins.findById(adminOf(identity).userId);
  if (!account || !account.is_active) throw unauthenticatedError('This account is not active; sign in again');
  return account;
}

/** The fields of an account an audit entry keeps (the middleware then redacts the personal ones). */
export function adminAuditView(admin: AdminUserDocument | null) {
  if (!admin) return null;
  return {
    id: admin.id,
    username: admin.username,
    email: admin.email,
    full_name: admin.full_name,
    role: admin.role,
    department: admin.department,
    is_active: admin.is_active,
    permissions: admin.permissions,
    two_factor_enabled: admin.two_factor_enabled,
    staff_member_id: admin.staff_member_id,
    password_changed_at: admin.password_changed_at ?? null,
  };
}
