import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, emailAddress, notFound, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { tooManyAttempts } from '../auth/auth-service';
import type { LoginThrottlePolicy, LoginThrottleStore } from '../auth/login-throttle-store';
import type { AdminSessionStore } from '../auth/session-store';
import { ADMIN_ROLES, DEPARTMENTS } from './admin-user-store';
import type { AdminRole, AdminUserDocument, AdminUserFilterInput, AdminUserStore } from './admin-user-store';
import type { Changed } from '../audit/changes';
import { activeCaller, adminAuditView } from './caller';
import { assertMayGrant } from './permission-catalogue';
import { hashPassword, newPasswordSchema, verifyPassword } from './password';

/**
 * Which account roles each role may create, change, deactivate and reset (PRODUCT.md section 4). With the
 * permission catalogue this keeps every grant within the granter: no role above one's own, and SuperAdmin
 * alone hands out SuperAdmin (GeneralAdmin stops at Manager and Supervisor, below itself).
 */
export const MANAGEABLE_ROLES: Record<AdminRole, readonly AdminRole[]> = {
  SuperAdmin: ADMIN_ROLES,
  GeneralAdmin: ['Manager', 'Supervisor'],
  Manager: [],
  Supervisor: [],
};

/** Roles that act within one department and so must have one. */
const DEPARTMENTAL_ROLES: readonly AdminRole[] = ['Manager', 'Supervisor'];

const department = z.enum(DEPARTMENTS, { error: `must be one of ${DEPARTMENTS.join(', ')}` });

const permissions = z
  .array(z.string().regex(/^[a-z]+:[a-z]+$/, 'must look like area:action, e.g. pii:read'))
  .max(20)
  .transform((names) => [...new Set(names)]);

const createAdminUserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9._-]{2,49}$/, 'must be 3 to 50 letters, digits, dots, dashes or underscores'),
    email: emailAddress,
    fullName: z.string().trim().min(1, 'is required').max(100, 'is too long'),
    role: z.enum(ADMIN_ROLES),
    department: department.nullish(),
    password: newPasswordSchema,
    permissions: permissions.nullish(),
    staffMemberId: z.uuid('is not a valid id').nullish(),
  })
  .refine((input) => !DEPARTMENTAL_ROLES.includes(input.role) || input.department, {
    path: ['department'],
    message: 'is required for Manager and Supervisor accounts',
  });

export interface CreateAdminUserInput {
  username: string;
  email: string;
  fullName: string;
  role: AdminRole;
  department?: string | null;
  password: string;
  permissions?: string[] | null;
  staffMemberId?: string | null;
}

export interface ChangeAdminRoleInput {
  id: string;
  role: AdminRole;
  department?: string | null;
  /** Replaces the account's named extras when given; kept when omitted */
  permissions?: string[] | null;
}

const changeRoleSchema = z.object({
  id: z.string().min(1),
  role: z.enum(ADMIN_ROLES),
  department: department.nullish(),
  permissions: permissions.nullish(),
});

const resetPasswordSchema = z.object({ id: z.string().min(1), newPassword: newPasswordSchema });

const changeOwnPasswordSchema = z
  .object({ currentPassword: z.string().max(256, 'is too long'), newPassword: newPasswordSchema })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ['newPassword'],
    message: 'must differ from the current password',
  });

const FIELD_NAMES: Record<string, string> = { username: 'input.username', email: 'input.email' };

/**
 * Account management: who may manage which roles, and grant which permissions, is decided here (the rules
 * only let GeneralAdmin and up in), and no change may leave the casino without an active SuperAdmin. What
 * the caller may do is read from its account as it is now, not from its access token, which can predate a
 * demotion or a withdrawn permission.
 *
 * A GeneralAdmin may grant `audit:read` and `pii:read`: it holds both by its role, and the role matrix has
 * them as the extras a lower role is given. It may pass on `reports:approve` only if a SuperAdmin gave it that
 * permission.
 */
export class AdminUserService {
  constructor(
    private readonly stores: {
      admins: AdminUserStore;
      sessions: AdminSessionStore;
      throttle: LoginThrottleStore;
    },
    private readonly throttlePolicy: LoginThrottlePolicy,
  ) {}

  /** A page of admin accounts, newest first. */
  page(filter: AdminUserFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.stores.admins.page(filter, args, paging);
  }

  async create(
    identity: Identity,
    rawInput: CreateAdminUserInput,
    now = new Date(),
  ): Promise<Changed<AdminUserDocument>> {
    const granter = await activeCaller(this.stores.admins, identity);
    assertCanManage(granter, rawInput.role);
    const input = validateInput(createAdminUserSchema, rawInput);
    const granted = input.permissions ?? [];
    assertMayGrant(granter, granted, 'input.permissions');
    const admin: AdminUserDocument = {
      id: newId(),
      username: input.username,
      email: input.email,
      password_hash: await hashPassword(input.password),
      full_name: input.fullName,
      role: input.role,
      department: input.department ?? null,
      is_active: true,
      created_at: now,
      last_login: null,
      permissions: granted,
      two_factor_enabled: false,
      staff_member_id: input.staffMemberId ?? null,
      password_changed_at: now,
    };
    try {
      await this.stores.admins.insert(admin);
    } catch (error) {
      const field = duplicateKeyField(error);
      if (field === null) throw error;
      const named = FIELD_NAMES[field] ?? field;
      throw conflict(`an admin user with this ${named.replace('input.', '')} already exists`, named);
    }
    return { result: admin, before: null, after: adminAuditView(admin) };
  }

  /**
   * Changes an account's role, department and (when given) permissions, under the same rules as creating
   * it: both the account's current role and the new one must be manageable by the caller, and every
   * permission added must be held by the caller. Any change ends the account's sessions, so no access token
   * keeps the old role or permissions.
   */
  async changeRole(
    identity: Identity,
    rawInput: ChangeAdminRoleInput,
    now = new Date(),
  ): Promise<Changed<AdminUserDocument>> {
    const granter = await activeCaller(this.stores.admins, identity);
    const input = validateInput(changeRoleSchema, rawInput);
    const target = await this.manageableTarget(granter, input.id);
    assertCanManage(granter, input.role);
    const permissions = input.permissions ?? target.permissions;
    const added = permissions.filter((permission) => !target.permissions.includes(permission));
    assertMayGrant(granter, added, 'input.permissions');
    const department = input.department !== undefined ? input.department : target.department;
    if (DEPARTMENTAL_ROLES.includes(input.role) && !department) {
      throw badUserInput('input.department', 'is required for Manager and Supervisor accounts');
    }
    const samePermissions = permissions.length === target.permissions.length && added.length === 0;
    if (input.role === target.role && department === target.department && samePermissions) {
      return { result: target, before: adminAuditView(target), after: adminAuditView(target) };
    }
    const changed = await this.stores.admins.updateIf(
      target.id,
      { role: target.role, department: target.department, permissions: target.permissions },
      { $set: { role: input.role, department, permissions } },
    );
    if (!changed) throw conflict('The account changed meanwhile: load it and try again');
    if (target.role === 'SuperAdmin' && input.role !== 'SuperAdmin' && target.is_active) {
      await this.keepOneActiveSuperAdmin(
        target.id,
        { role: input.role },
        { role: 'SuperAdmin', department: target.department, permissions: target.permissions },
      );
    }
    await this.stores.sessions.revokeAllOf(target.id, 'privileges_changed', now);
    return { result: changed, before: adminAuditView(target), after: adminAuditView(changed) };
  }

  async deactivate(identity: Identity, id: string, now = new Date()): Promise<Changed<AdminUserDocument>> {
    const actor = await activeCaller(this.stores.admins, identity);
    const target = await this.manageableTarget(actor, id);
    if (!target.is_active) {
      return { result: target, before: adminAuditView(target), after: adminAuditView(target) };
    }
    const deactivated = await this.stores.admins.updateIf(
      target.id,
      { is_active: true, role: target.role },
      { $set: { is_active: false } },
    );
    if (!deactivated) throw conflict('The account changed meanwhile: load it and try again');
    if (target.role === 'SuperAdmin') {
      await this.keepOneActiveSuperAdmin(target.id, { is_active: false }, { is_active: true });
    }
    await this.stores.sessions.revokeAllOf(target.id, 'deactivated', now);
    return { result: deactivated, before: adminAuditView(target), after: adminAuditView(deactivated) };
  }

  async resetPassword(
    identity: Identity,
    rawInput: z.input<typeof resetPasswordSchema>,
    now = new Date(),
  ): Promise<Changed<AdminUserDocument>> {
    const actor = await activeCaller(this.stores.admins, identity);
    const target = await this.manageableTarget(actor, rawInput.id);
    const input = validateInput(resetPasswordSchema, rawInput);
    return this.setPassword(target, input.newPassword, now);
  }

  async changeOwnPassword(
    identity: Identity,
    rawInput: z.input<typeof changeOwnPasswordSchema>,
    address: string | null = null,
    now = new Date(),
  ): Promise<Changed<AdminUserDocument>> {
    const input = validateInput(changeOwnPasswordSchema, rawInput);
    const caller = await activeCaller(this.stores.admins, identity);
    // guessing the current password here is counted and refused like guessing it at sign-in
    const { throttle } = this.stores;
    const refusedUntil = await throttle.refusedUntil(caller.username, address, now, this.throttlePolicy);
    if (refusedUntil) throw tooManyAttempts(refusedUntil, now);
    if (!(await verifyPassword(caller.password_hash, input.currentPassword))) {
      await throttle.recordFailure(caller.username, address, now, this.throttlePolicy);
      throw badUserInput('input.currentPassword', 'is not correct');
    }
    return this.setPassword(caller, input.newPassword, now);
  }

  /** A new password ends every session of the account and forgets the failed guesses of the old one. */
  private async setPassword(
    target: AdminUserDocument,
    password: string,
    now: Date,
  ): Promise<Changed<AdminUserDocument>> {
    const updated = await this.stores.admins.updateIf(
      target.id,
      {},
      { $set: { password_hash: await hashPassword(password), password_changed_at: now } },
    );
    if (!updated) throw notFound('AdminUser', target.id);
    await this.stores.sessions.revokeAllOf(target.id, 'password_changed', now);
    await this.stores.throttle.forgetUsername(target.username);
    return { result: updated, before: adminAuditView(target), after: adminAuditView(updated) };
  }

  private async manageableTarget(
    actor: Pick<AdminUserDocument, 'role'>,
    id: string,
  ): Promise<AdminUserDocument> {
    const target = await this.stores.admins.findById(id);
    if (!target) throw notFound('AdminUser', id);
    assertCanManage(actor, target.role);
    return target;
  }

  /**
   * Without transactions: the change is already written; if it left no active SuperAdmin, it is undone
   * (only if the account still shows the change) and refused. Two concurrent demotions of the last two
   * SuperAdmins both see zero and both undo, so the invariant holds at the cost of a retry.
   */
  private async keepOneActiveSuperAdmin(
    id: string,
    applied: Partial<AdminUserDocument>,
    restore: Partial<AdminUserDocument>,
  ): Promise<void> {
    if ((await this.stores.admins.countActiveSuperAdmins()) > 0) return;
    await this.stores.admins.updateIf(id, applied, { $set: restore });
    throw conflict('This is the last active SuperAdmin: make another account SuperAdmin first');
  }
}

function assertCanManage(actor: Pick<AdminUserDocument, 'role'>, role: AdminRole): void {
  if (!MANAGEABLE_ROLES[actor.role].includes(role)) {
    const needed = ADMIN_ROLES.filter((r) => MANAGEABLE_ROLES[r].includes(role)).at(-1) ?? 'SuperAdmin';
    throw forbiddenError(`A ${actor.role} cannot manage ${role} accounts: that needs ${needed}`);
  }
}
