import { createComplianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { hashPassword } from '../admins/password';
import { IDENTITIES, accountOf, errorCode } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ADMIN_TWO_FACTOR } from './two-factor-store';
import type { AdminTwoFactorDocument } from './two-factor-store';
import { base32Decode, totp } from './totp';

const BEGIN = /* GraphQL */ `
  mutation {
    beginTwoFactorEnrollment {
      secret
      otpauthUri
    }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation ($code: String!) {
    confirmTwoFactor(code: $code) {
      id
      twoFactorEnabled
    }
  }
`;
const LOGIN = /* GraphQL */ `
  mutation ($input: LoginInput!) {
    login(input: $input) {
      user {
        id
      }
    }
  }
`;

const PASSWORD = 'a long enough password';
const manager = IDENTITIES.gamingManager;
const as = { identity: manager };

describe('two-factor enrolment', () => {
  let harness: SubgraphHarness;
  const twoFactorOf = () =>
    harness.db
      .collection<AdminTwoFactorDocument>(ADMIN_TWO_FACTOR)
      .findOne({ user_id: manager.userId }, { projection: { _id: 0 } });
  /** The stored field holds the secret sealed for this admin, and no part of the raw document its plaintext. */
  const expectSealed = (
    stored: AdminTwoFactorDocument | null,
    field: 'pending_secret' | 'secret',
    secret: string,
  ) => {
    expect(stored![field]).toMatch(/^enc\.v1\./);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(
      harness.protector!.open(stored![field]!, {
        collection: ADMIN_TWO_FACTOR,
        field,
        documentId: manager.userId,
      }),
    ).toBe(secret);
  };

  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
    await harness.db
      .collection(ADMIN_USERS)
      .insertOne({ ...accountOf(manager, { password_hash: await hashPassword(PASSWORD) }) });
  });
  afterAll(() => harness.close());

  it('needs a signed-in caller', async () => {
    expect(errorCode(await harness.execute(BEGIN, {}, { identity: IDENTITIES.anonymous }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(errorCode(await harness.execute(BEGIN, {}, { identity: IDENTITIES.loyaltyService }))).toBe(
      'FORBIDDEN',
    );
    expect(
      errorCode(await harness.execute(CONFIRM, { code: '123456' }, { identity: IDENTITIES.anonymous })),
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses to confirm when no enrolment was begun', async () => {
    const result = await harness.execute(CONFIRM, { code: '123456' }, as);
    expect(errorCode(result)).toBe('CONFLICT');
  });

  it('begins with a new secret, pending, and an otpauth URI for the caller', async () => {
    harness.auditEvents.length = 0;
    const result = await harness.execute<{
      beginTwoFactorEnrollment: { secret: string; otpauthUri: string };
    }>(BEGIN, {}, as);
    expect(result.errors).toBeUndefined();
    const { secret, otpauthUri } = result.data!.beginTwoFactorEnrollment;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri);
    expect(decodeURIComponent(uri.pathname)).toBe(`/Casino Back Office:${manager.username}`);
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('period')).toBe('30');

    // stored sealed for this admin: the raw document holds no plaintext of the secret
    const stored = await twoFactorOf();
    expect(stored).toMatchObject({ id: manager.userId, secret: null });
    expectSealed(stored, 'pending_secret', secret);
    const account = await harness.db.collection(ADMIN_USERS).findOne({ id: manager.userId });
    expect(account!.two_factor_enabled).toBe(false);
    // the audit entry of the enrolment does not keep the secret
    expect(harness.auditEvents).toHaveLength(1);
    expect(JSON.stringify(harness.auditEvents)).not.toContain(secret);
  });

  it('refuses a wrong code, and enables two-factor sign-in with a current one', async () => {
    const { secret } = (
      await harness.execute<{ beginTwoFactorEnrollment: { secret: string } }>(BEGIN, {}, as)
    ).data!.beginTwoFactorEnrollment;
    const code = totp(base32Decode(secret), new Date());
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    const refused = await harness.execute(CONFIRM, { code: wrong }, as);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    expect((await twoFactorOf())!.secret).toBeNull();

    harness.auditEvents.length = 0;
    const confirmed = await harness.execute<{ confirmTwoFactor: { twoFactorEnabled: boolean } }>(
      CONFIRM,
      { code },
      as,
    );
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmTwoFactor).toEqual({ id: manager.userId, twoFactorEnabled: true });
    const stored = await twoFactorOf();
    expect(stored).toMatchObject({ pending_secret: null });
    expectSealed(stored, 'secret', secret);
    expect(harness.auditEvents[0]!.changes).toMatchObject({
      before: { two_factor_enabled: false },
      after: { two_factor_enabled: true },
    });
    const trail = JSON.stringify(harness.auditEvents);
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain(code);

    // from now on sign-in needs a code
    const withoutCode = await harness.execute(
      LOGIN,
      { input: { username: manager.username, password: PASSWORD } },
      { identity: IDENTITIES.anonymous },
    );
    expect(withoutCode.errors![0]!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      twoFactorRequired: true,
    });
    const nextCode = totp(base32Decode(secret), new Date(Date.now() + 30_000));
    const withCode = await harness.execute(
      LOGIN,
      { input: { username: manager.username, password: PASSWORD, totpCode: nextCode } },
      { identity: IDENTITIES.anonymous },
    );
    expect(withCode.errors).toBeUndefined();
  });

  it('does not begin again once enabled', async () => {
    expect(errorCode(await harness.execute(BEGIN, {}, as))).toBe('CONFLICT');
  });

  it('refuses an enrolment that waited too long', async () => {
    const supervisor = IDENTITIES.gamingSupervisor;
    await harness.db.collection(ADMIN_USERS).insertOne({ ...accountOf(supervisor) });
    const { secret } = (
      await harness.execute<{ beginTwoFactorEnrollment: { secret: string } }>(
        BEGIN,
        {},
        { identity: supervisor },
      )
    ).data!.beginTwoFactorEnrollment;
    await harness.db
      .collection(ADMIN_TWO_FACTOR)
      .updateOne(
        { user_id: supervisor.userId },
        { $set: { pending_expires_at: new Date(Date.now() - 1000) } },
      );
    const result = await harness.execute(
      CONFIRM,
      { code: totp(base32Decode(secret), new Date()) },
      { identity: supervisor },
    );
    expect(errorCode(result)).toBe('CONFLICT');
  });

  it('never exposes the secret through AdminUser, nor stores it on the account', async () => {
    for (const field of ['twoFactorSecret', 'secret', 'pendingSecret']) {
      const result = await harness.execute(`{ me { id ${field} } }`, {}, as);
      expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const account = await harness.db.collection(ADMIN_USERS).findOne({ id: manager.userId });
    expect(Object.keys(account!).some((key) => key.includes('secret'))).toBe(false);
  });
});
