import type { Db } from 'mongodb';
import { AdminUserStore } from './admin-user-store';
import { verifyPassword } from './password';

/** Raised at startup when an active admin can still sign in with a publicly known demo password. */
export class DemoPasswordInUseError extends Error {
  override name = 'DemoPasswordInUseError';

  constructor(readonly usernames: string[]) {
    super(
      `compliance refuses to start in production: ${usernames.length} active admin account(s) still use the ` +
        `demo password (${usernames.join(', ')}). Change their passwords (changeOwnPassword or ` +
        'resetAdminPassword) or deactivate them outside production first.',
    );
  }
}

/**
 * Throws DemoPasswordInUseError if any active admin's password verifies against one of the demo passwords.
 * Each distinct hash is verified once (the seed gives every demo account the same one).
 */
export async function assertNoDemoPasswords(
  db: Db,
  demoPasswords: string | readonly string[],
): Promise<void> {
  const candidates = [...new Set(typeof demoPasswords === 'string' ? [demoPasswords] : demoPasswords)];
  const accounts = await new AdminUserStore(db).activeCredentials();
  const byHash = new Map<string, string[]>();
  for (const account of accounts) {
    byHash.set(account.password_hash, [...(byHash.get(account.password_hash) ?? []), account.username]);
  }
  const offenders: string[] = [];
  for (const [hash, usernames] of byHash) {
    for (const candidate of candidates) {
      if (await verifyPassword(hash, candidate)) {
        offenders.push(...usernames);
        break;
      }
    }
  }
  if (offenders.length > 0) throw new DemoPasswordInUseError(offenders.sort());
}
