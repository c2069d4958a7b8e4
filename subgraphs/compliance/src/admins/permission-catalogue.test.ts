import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PII_REVEAL } from '@casino/audit';
import type { AdminUserDocument } from './admin-user-store';
import { PERMISSION_CATALOGUE, assertMayGrant, holdsPermission } from './permission-catalogue';

const ROOT = path.resolve(__dirname, '../../../..');

/** Every non-test TypeScript source of the shared packages and the subgraphs. */
function sources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '__generated__') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  for (const top of ['packages', 'subgraphs']) {
    for (const pkg of readdirSync(path.join(ROOT, top))) {
      const src = path.join(ROOT, top, pkg, 'src');
      try {
        walk(src);
      } catch {
        // a package without src
      }
    }
  }
  return found;
}

const holder = (role: AdminUserDocument['role'], permissions: string[] = []) => ({
  id: 'holder',
  username: 'holder',
  role,
  department: role === 'Manager' || role === 'Supervisor' ? 'Gaming' : null,
  permissions,
});

describe('the permission catalogue', () => {
  it('knows every permission a rule names, with the role the rule gives it to anyway', () => {
    const named = new Map<string, string>();
    const patterns = [
      /atLeast\(\s*'(\w+)'\s*,\s*'([a-z]+:[a-z]+)'\s*\)/g,
      /hasRoleOrPermission\(\s*[^,()]+,\s*'(\w+)'\s*,\s*'([a-z]+:[a-z]+)'\s*\)/g,
    ];
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) {
        for (const [, role, permission] of text.matchAll(pattern)) named.set(permission!, role!);
      }
    }
    named.set(PII_REVEAL.permission, PII_REVEAL.minimumRole);
    expect(named.get('reports:approve')).toBe('SuperAdmin');
    expect(Object.fromEntries(named)).toEqual(PERMISSION_CATALOGUE);
  });

  it('has a role hold what its role gives it, and a lower role only what it was given', () => {
    expect(holdsPermission(holder('GeneralAdmin'), 'pii:read')).toBe(true);
    expect(holdsPermission(holder('GeneralAdmin'), 'audit:read')).toBe(true);
    expect(holdsPermission(holder('GeneralAdmin'), 'reports:approve')).toBe(false);
    expect(holdsPermission(holder('GeneralAdmin', ['reports:approve']), 'reports:approve')).toBe(true);
    expect(holdsPermission(holder('SuperAdmin'), 'reports:approve')).toBe(true);
    expect(holdsPermission(holder('Manager'), 'pii:read')).toBe(false);
    expect(holdsPermission(holder('Manager', ['pii:read']), 'pii:read')).toBe(true);
    // names the catalogue does not know are held by nobody
    expect(holdsPermission(holder('SuperAdmin', ['constructor']), 'constructor')).toBe(false);
  });

  it('refuses an unknown name before judging what the granter holds', () => {
    expect(() => assertMayGrant(holder('Manager'), ['reports:approve', 'staff:salary'], 'f')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'f' } }),
    );
    expect(() => assertMayGrant(holder('GeneralAdmin'), ['pii:read', 'reports:approve'], 'f')).toThrow(
      'Granting reports:approve needs SuperAdmin or the reports:approve permission',
    );
    expect(() => assertMayGrant(holder('GeneralAdmin'), ['pii:read', 'audit:read'], 'f')).not.toThrow();
  });
});
