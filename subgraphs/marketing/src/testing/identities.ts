import type { AdminIdentity, Identity, Role } from '@casino/auth';
import { testIdentity } from '@casino/testing';

function admin(
  n: number,
  username: string,
  role: Role,
  department: string | null,
  permissions: string[] = [],
): AdminIdentity {
  return testIdentity(role, {
    userId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    username,
    department,
    permissions,
  });
}

/** The callers the permission tests act as. */
export const AS = {
  superAdmin: admin(1, 'super', 'SuperAdmin', null),
  generalAdmin: admin(2, 'general', 'GeneralAdmin', null),
  gamingManager: admin(3, 'gaming.manager', 'Manager', 'Gaming'),
  gamingSupervisor: admin(4, 'gaming.supervisor', 'Supervisor', 'Gaming'),
  fbManager: admin(5, 'fb.manager', 'Manager', 'F&B'),
  /** A Supervisor granted the pii:read extra */
  piiSupervisor: admin(6, 'pii.supervisor', 'Supervisor', 'Gaming', ['pii:read']),
  /** A Manager with no department has none to manage */
  managerWithoutDepartment: admin(7, 'floating.manager', 'Manager', null),
  anonymous: { kind: 'anonymous' } as Identity,
  service: { kind: 'service', service: 'loyalty' } as Identity,
  /** Compliance's service: the only one that runs key rotation, erasure and retention here */
  compliance: { kind: 'service', service: 'compliance' } as Identity,
};
