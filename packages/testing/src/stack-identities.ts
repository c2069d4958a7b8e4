import { developmentTokenSettings, issueAccessToken } from '@casino/auth';
import type { AdminIdentity } from '@casino/auth';
import { testIdentity } from './identities';

/** The instant the demo data of a test stack or bench is seeded at. */
export const SEED_NOW = new Date('2026-11-01T00:00:00.000Z');

/** Test identities: one per role (Manager and Supervisor in Gaming) and a Manager of another department. */
export const IDENTITIES = {
  SuperAdmin: admin('superadmin', 'SuperAdmin', null),
  GeneralAdmin: admin('generaladmin', 'GeneralAdmin', null),
  Manager: admin('manager', 'Manager', 'Gaming'),
  Supervisor: admin('supervisor', 'Supervisor', 'Gaming'),
  OtherManager: admin('fnb-manager', 'Manager', 'F&B'),
} satisfies Record<string, AdminIdentity>;

function admin(username: string, role: AdminIdentity['role'], department: string | null): AdminIdentity {
  const suffix = Buffer.from(username).toString('hex').padEnd(12, '0').slice(0, 12);
  return testIdentity(role, { userId: `00000000-0000-4000-8000-${suffix}`, username, department });
}

const tokenSettings = developmentTokenSettings();

/** An access token for `identity`, signed with the development key the gateway of a test stack accepts. */
export async function tokenFor(identity: AdminIdentity): Promise<string> {
  const { kind: _kind, ...user } = identity;
  return (await issueAccessToken(user, tokenSettings)).token;
}
