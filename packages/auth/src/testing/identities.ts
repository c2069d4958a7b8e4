import { randomUUID } from 'node:crypto';
import type { AdminIdentity, Role } from '../identity';

/**
 * A signed-in admin of `role` for a test: a fresh user id, no department and no extra permissions unless
 * `overrides` says otherwise; the username reads `<role>-<department>` (`manager-Gaming`, `generaladmin-all`).
 */
export function testIdentity(
  role: Role,
  overrides: Partial<Omit<AdminIdentity, 'kind' | 'role'>> = {},
): AdminIdentity {
  const department = overrides.department ?? null;
  return {
    kind: 'admin',
    userId: randomUUID(),
    username: `${role.toLowerCase()}-${department ?? 'all'}`,
    role,
    department,
    permissions: [],
    ...overrides,
  };
}
