import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type AdminRole = 'SuperAdmin' | 'GeneralAdmin' | 'Manager' | 'Supervisor';

export const ADMIN_ROLES: readonly AdminRole[] = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'];

export const DEPARTMENTS = ['Gaming', 'F&B', 'Security', 'Management', 'Maintenance'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export interface AdminUserDocument {
  id: string;
  username: string;
  email: string;
  /** argon2id (PHC string); never leaves this subgraph */
  password_hash: string;
  full_name: string;
  role: AdminRole;
  department: string | null;
  is_active: boolean;
  created_at: Date;
  last_login: Date | null;
  permissions: string[];
  two_factor_enabled: boolean;
  /** The workforce StaffMember behind this account, if any */
  staff_member_id: string | null;
}

export interface AdminUserFilterInput {
  role?: AdminRole | null;
  department?: string | null;
  isActive?: boolean | null;
}

/** The reference other subgraphs hand over when they resolve a StaffMember's fields here. */
export interface StaffMemberReference {
  id: string;
}

export const ADMIN_USERS = 'admin_users';

export const adminUserIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { username: 1 }, name: 'username_1', unique: true },
  { key: { email: 1 }, name: 'email_1', unique: true },
  // not unique: null is shared by every unlinked account, and partial indexes are not portable to every server
  { key: { staff_member_id: 1 }, name: 'staff_member_id_1' },
  { key: { role: 1, department: 1 }, name: 'role_1_department_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

export class AdminUserStore {
  readonly collection: Collection<AdminUserDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AdminUserDocument>(ADMIN_USERS);
  }

  page(input: AdminUserFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<AdminUserDocument> = {};
    if (input.role) filter.role = input.role;
    if (input.department) filter.department = input.department;
    if (input.isActive != null) filter.is_active = input.isActive;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
