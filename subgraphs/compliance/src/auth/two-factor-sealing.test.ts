import { keyIdOf } from '@casino/crypto';
import type { SubgraphDefinition } from '@casino/server';
import type { ComplianceContext } from '../context';
import { CompliancePrivacy } from '../privacy/compliance-privacy';
import { complianceResealTarget, createStores } from '../services';
import type { ComplianceServices } from '../services';
import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { hashPassword } from '../admins/password';
import { KeyRotationService } from '../key-rotation/key-rotation-service';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { adminDoc } from '../testing/fixtures';
import {
  keyRotationEnvs,
  problemsWithoutDataKeys,
  startSubgraphHarness,
  uniqueDatabase,
} from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ADMIN_TWO_FACTOR } from './two-factor-store';
import type { AdminTwoFactorDocument } from './two-factor-store';
import { base32Decode, generateTotpSecret, totp } from './totp';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { user { id } } }`;
const ROTATE = `mutation($input: RotateEncryptionKeyInput) {
  rotateEncryptionKey(input: $input) { status keyId fields { subgraph collection field resealed remaining keyId } }
}`;
const PASSWORD = 'a long enough password';

const keyrings = keyRotationEnvs();

/** Compliance whose key rotation re-seals only its own fields (the other subgraphs are not running here). */
const complianceOnlyRotation: SubgraphDefinition<ComplianceContext, ComplianceServices> = {
  ...complianceSubgraph,
  createServices: (deps) => {
    const shared = complianceSubgraph.createServices!(deps);
    const keyRotation = new KeyRotationService(
      shared.stores.keyRotations,
      deps.services,
      DEFAULT_COMPLIANCE_SETTINGS,
      [complianceResealTarget(shared.privacy)],
    );
    return { ...shared, services: { ...shared.services, keyRotation } };
  },
};

describe('TOTP secrets sealed at rest', () => {
  const database = uniqueDatabase('compliance');
  let harness: SubgraphHarness;
  const legacy = adminDoc({ username: 'legacy.totp', two_factor_enabled: true });
  const legacySecret = generateTotpSecret();

  const start = (protection: Record<string, string>) =>
    startSubgraphHarness(complianceOnlyRotation, { env: { ...protection, MONGODB_DATABASE: database } });
  const rawOf = () =>
    harness.db
      .collection<AdminTwoFactorDocument>(ADMIN_TWO_FACTOR)
      .findOne({ user_id: legacy.id }, { projection: { _id: 0 } });
  /** Signs in with the code of `offsetSteps` from now, after forgetting the last used step. */
  const loginWithCode = async (offsetSteps = 0) => {
    await harness.db
      .collection(ADMIN_TWO_FACTOR)
      .updateOne({ user_id: legacy.id }, { $set: { last_used_step: null } });
    const code = totp(base32Decode(legacySecret), new Date(Date.now() + offsetSteps * 30_000));
    return harness.execute(LOGIN, {
      input: { username: legacy.username, password: PASSWORD, totpCode: code },
    });
  };

  beforeAll(async () => {
    harness = await start(keyrings.before);
    await harness.db
      .collection(ADMIN_USERS)
      .insertOne({ ...legacy, password_hash: await hashPassword(PASSWORD) });
    // stored before the secrets were sealed: plaintext, and no `id`
    await harness.db.collection(ADMIN_TWO_FACTOR).insertOne({
      user_id: legacy.id,
      secret: legacySecret,
      pending_secret: null,
      pending_expires_at: null,
      last_used_step: null,
      updated_at: new Date(),
    });
  });
  afterAll(() => harness.close());

  it('still verifies a legacy plaintext secret, which one re-seal batch seals', async () => {
    expect((await loginWithCode()).errors).toBeUndefined();

    const target = complianceResealTarget(
      new CompliancePrivacy(createStores(harness.db, harness.protector!)),
    );
    if (!('reseal' in target)) throw new Error('compliance re-seals in-process');
    const [secret, pending] = await target.reseal(1);
    expect(secret).toEqual({
      collection: ADMIN_TWO_FACTOR,
      field: 'secret',
      resealed: 1,
      remaining: 0,
      keyId: 'k1',
    });
    expect(pending).toMatchObject({ field: 'pending_secret', resealed: 0, remaining: 0 });

    const raw = await rawOf();
    expect(raw).toMatchObject({ id: legacy.id });
    expect(keyIdOf(raw!.secret!)).toBe('k1');
    expect(JSON.stringify(raw)).not.toContain(legacySecret);
    expect((await loginWithCode()).errors).toBeUndefined();
  });

  it('is re-sealed by rotateEncryptionKey (subgraph compliance) and signs in under either key', async () => {
    await harness.close({ keepDatabase: true });
    harness = await start(keyrings.during);
    // mid-rotation, the k1 value still verifies
    expect((await loginWithCode()).errors).toBeUndefined();

    const result = await harness.execute<{ rotateEncryptionKey: Record<string, unknown> }>(ROTATE, {
      input: { batchSize: 1 },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.rotateEncryptionKey).toEqual({
      status: 'completed',
      keyId: 'k2',
      fields: [
        {
          subgraph: 'compliance',
          collection: ADMIN_TWO_FACTOR,
          field: 'secret',
          resealed: 1,
          remaining: 0,
          keyId: 'k2',
        },
        {
          subgraph: 'compliance',
          collection: ADMIN_TWO_FACTOR,
          field: 'pending_secret',
          resealed: 0,
          remaining: 0,
          keyId: 'k2',
        },
      ],
    });
    const raw = await rawOf();
    expect(keyIdOf(raw!.secret!)).toBe('k2');
    expect(JSON.stringify(raw)).not.toContain(legacySecret);

    // the old key can go
    await harness.close({ keepDatabase: true });
    harness = await start(keyrings.after);
    expect((await loginWithCode()).errors).toBeUndefined();
  });

  it('refuses to start without the data keys, naming each variable', () => {
    const problems = problemsWithoutDataKeys(complianceSubgraph);
    expect(problems).toContain('DATA_ENCRYPTION_KEYS');
    expect(problems).toContain('DATA_ENCRYPTION_KEY_ID');
    expect(problems).toContain('BLIND_INDEX_KEY');
  });
});
