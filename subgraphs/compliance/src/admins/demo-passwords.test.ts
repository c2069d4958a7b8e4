import { createComplianceSubgraph } from '../index';
import { adminDoc } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ADMIN_USERS } from './admin-user-store';
import { DemoPasswordInUseError, assertNoDemoPasswords } from './demo-passwords';
import { hashPassword } from './password';

const DEMO = 'demo-password-2026';

describe('assertNoDemoPasswords (the production startup check)', () => {
  let harness: SubgraphHarness;
  let demoHash: string;
  let ownHash: string;

  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
    [demoHash, ownHash] = await Promise.all([hashPassword(DEMO), hashPassword('a password of their own')]);
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.db.collection(ADMIN_USERS).deleteMany({}));

  const store = (...docs: ReturnType<typeof adminDoc>[]) =>
    harness.db.collection(ADMIN_USERS).insertMany(docs.map((d) => ({ ...d })));

  it('refuses, naming every active account that still signs in with the demo password', async () => {
    await store(
      adminDoc({ username: 'superadmin', password_hash: demoHash }),
      adminDoc({ username: 'manager', password_hash: demoHash }),
      adminDoc({ username: 'careful', password_hash: ownHash }),
    );
    const check = assertNoDemoPasswords(harness.db, DEMO);
    await expect(check).rejects.toBeInstanceOf(DemoPasswordInUseError);
    await expect(check).rejects.toMatchObject({ usernames: ['manager', 'superadmin'] });
    await expect(check).rejects.toThrow(/refuses to start in production: 2 active admin account\(s\)/);
  });

  it('passes when the demo accounts changed their password or were deactivated', async () => {
    await store(
      adminDoc({ username: 'superadmin', password_hash: ownHash }),
      adminDoc({ username: 'manager', password_hash: demoHash, is_active: false }),
      adminDoc({ username: 'broken', password_hash: 'not-a-phc-string' }),
    );
    await expect(assertNoDemoPasswords(harness.db, DEMO)).resolves.toBeUndefined();
  });

  it('checks every password it is given (the configured one and the published default)', async () => {
    await store(adminDoc({ username: 'superadmin', password_hash: demoHash }));
    await expect(assertNoDemoPasswords(harness.db, 'another-demo-password')).resolves.toBeUndefined();
    await expect(assertNoDemoPasswords(harness.db, ['another-demo-password', DEMO])).rejects.toBeInstanceOf(
      DemoPasswordInUseError,
    );
  });
});
