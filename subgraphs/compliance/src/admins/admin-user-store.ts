import type DataLoader from 'dataloader';
import type { Db, Filter, IndexDescription, UpdateFilter } from 'mongodb';
import { CollectionStore, createOneByKeyLoader } from '@casino/mongo';
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
  /** When the password was last set by its owner or reset by an admin (absent on older accounts) */
  password_changed_at?: Date | null;
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

/** The document field each key of the list filter matches (see equalityFilter). */
const ADMIN_USER_FILTER_FIELDS = { role: 'role', department: 'department', isActive: 'is_active' } as const;

export class AdminUserStore extends CollectionStore<AdminUserDocument> {
  constructor(db: Db) {
    super(db, ADMIN_USERS);
  }

  /** Accounts by the staff member they belong to, one query per batch. */
  byStaffMemberLoader(): DataLoader<string, AdminUserDocument | null> {
    return createOneByKeyLoader(this.collection, 'staff_member_id');
  }

  async findByUsername(username: string): Promise<AdminUserDocument | null> {
    return this.collection.findOne({ username }, { projection: { _id: 0 } });
  }

  async insert(admin: AdminUserDocument): Promise<void> {
    await this.collection.insertOne({ ...admin });
  }

  /**
   * Applies `update` to the account if it still matches `expected` (the fields the caller decided on), and
   * returns the account as it is afterwards, or null when it did not match.
   */
  updateIf(
    id: string,
    expected: Filter<AdminUserDocument>,
    update: UpdateFilter<AdminUserDocument>,
  ): Promise<AdminUserDocument | null> {
    return this.collection.findOneAndUpdate({ ...expected, id }, update, {
      returnDocument: 'after',
      projection: { _id: 0 },
    });
  }

  countActiveSuperAdmins(): Promise<number> {
    return this.collection.countDocuments({ role: 'SuperAdmin', is_active: true });
  }

  /** Usernames and password hashes of every active account. */
  activeCredentials(): Promise<Pick<AdminUserDocument, 'username' | 'password_hash'>[]> {
    return this.collection
      .find({ is_active: true }, { projection: { _id: 0, username: 1, password_hash: 1 } })
      .toArray();
  }

  page(input: AdminUserFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, ADMIN_USER_FILTER_FIELDS, args, paging);
  }
}
