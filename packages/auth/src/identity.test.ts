import {
  ANONYMOUS,
  IdentityError,
  hasRoleOrPermission,
  inDepartmentScope,
  signIdentity,
  verifyIdentity,
} from './identity';
import type { AdminIdentity } from './identity';

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
const manager: AdminIdentity = {
  kind: 'admin',
  userId: 'u-1',
  username: 'manager',
  role: 'Manager',
  department: 'Gaming',
  permissions: ['audit:read'],
};

describe('signed identity header', () => {
  it('round-trips an admin, a service and the anonymous identity', () => {
    expect(verifyIdentity(signIdentity(manager, SECRET), SECRET)).toEqual(manager);
    expect(verifyIdentity(signIdentity({ kind: 'service', service: 'gaming' }, SECRET), SECRET)).toEqual({
      kind: 'service',
      service: 'gaming',
    });
    expect(verifyIdentity(signIdentity(ANONYMOUS, SECRET), SECRET)).toEqual(ANONYMOUS);
  });

  it('rejects a missing, malformed, tampered, foreign or expired header', () => {
    const header = signIdentity(manager, SECRET);
    const [payload, signature] = header.split('.') as [string, string];
    const promoted = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'SuperAdmin' }),
    ).toString('base64url');
    const cases: [string, string | undefined, number?][] = [
      ['missing', undefined],
      ['malformed', 'not-a-header'],
      ['tampered payload', `${promoted}.${signature}`],
      ['signed with another secret', signIdentity(manager, 'another-secret-of-at-least-thirty-two-chars')],
      ['expired', signIdentity(manager, SECRET, 60, Date.now() - 61_000)],
      ['extra segment', `${header}.x`],
    ];
    for (const [, value] of cases) {
      expect(() => verifyIdentity(value, SECRET)).toThrow(IdentityError);
    }
  });
});

describe('role checks', () => {
  it('ranks roles and honours named permissions', () => {
    expect(hasRoleOrPermission(manager, 'Supervisor')).toBe(true);
    expect(hasRoleOrPermission(manager, 'GeneralAdmin')).toBe(false);
    expect(hasRoleOrPermission(manager, 'GeneralAdmin', 'audit:read')).toBe(true);
    expect(hasRoleOrPermission(ANONYMOUS, 'Supervisor')).toBe(false);
  });

  it('scopes Managers and Supervisors to their department', () => {
    expect(inDepartmentScope(manager, 'Gaming')).toBe(true);
    expect(inDepartmentScope(manager, 'F&B')).toBe(false);
    expect(inDepartmentScope({ ...manager, role: 'GeneralAdmin', department: null }, 'F&B')).toBe(true);
    expect(inDepartmentScope({ kind: 'service', service: 'gaming' }, 'Gaming')).toBe(false);
  });
});
