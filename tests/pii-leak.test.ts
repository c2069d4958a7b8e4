import { Writable } from 'node:stream';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/**
 * Drives the whole stack with inputs that carry identity documents, salaries, passwords and tokens — in
 * successful calls, refused calls and malformed ones — and then searches every log line every service wrote
 * and every error the gateway returned for any of those values.
 */
const NIC = 'PX7731990042';
const NIC_TYPED = 'px-7731-990042';
const GUEST_DOCUMENT = 'GD5512887766';
const SALARY = '187654.32';
const BAD_SALARY = '-187654.32';
const WRONG_PASSWORD = 'Wrong-Passw0rd-xyz!';
const NEW_PASSWORD = 'Brand-New-Secret-42!';
const DEMO_PASSWORD = 'demo-password-2026';

describe('personal data and secrets never reach logs or errors', () => {
  let stack: TestStack;
  const logLines: string[] = [];
  const errors: unknown[] = [];
  const secrets: string[] = [
    NIC,
    GUEST_DOCUMENT,
    SALARY,
    '187654',
    WRONG_PASSWORD,
    NEW_PASSWORD,
    DEMO_PASSWORD,
  ];

  const call = async (
    query: string,
    variables: Record<string, unknown>,
    options: Parameters<TestStack['query']>[2] = {},
  ) => {
    const response = await stack.query(query, variables, options);
    if (response.errors) errors.push(...response.errors);
    return response;
  };

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    stack = await startTestStack({ seedMembers: 5, logDestination: destination });

    const LOGIN = /* GraphQL */ `
      mutation ($input: LoginInput!) {
        login(input: $input) {
          token
          refreshToken
        }
      }
    `;
    const wrong = await call(LOGIN, { input: { username: 'superadmin', password: WRONG_PASSWORD } });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const good = await call(LOGIN, { input: { username: 'generaladmin', password: DEMO_PASSWORD } });
    const { token, refreshToken } = (good.data as { login: { token: string; refreshToken: string } }).login;
    secrets.push(token, refreshToken);

    const REGISTER = /* GraphQL */ `
      mutation ($input: RegisterMemberInput!) {
        registerMember(input: $input) {
          id
        }
      }
    `;
    const member = {
      firstName: 'Aroha',
      lastName: 'Leak-Test',
      email: 'aroha.leak@example.com',
      phone: '+6591234567',
      dateOfBirth: '1990-04-01T00:00:00.000Z',
      nationality: 'SG',
      nicPassport: NIC,
    };
    const registered = await call(REGISTER, { input: member }, { token });
    expect(registered.errors).toBeUndefined();
    const duplicate = await call(
      REGISTER,
      { input: { ...member, email: 'other.leak@example.com', nicPassport: NIC } },
      { token },
    );
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const invalid = await call(REGISTER, { input: { ...member, email: 'not-an-email' } }, { token });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // a wrongly typed document number, as a variable and as a literal in the query text
    const badType = await call(REGISTER, { input: { ...member, nicPassport: [NIC] } }, { token });
    expect(badType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const literal = await call(
      `mutation { registerMember(input: { firstName: "A", nicPassport: ${Number(NIC.slice(2))} }) { id } }`,
      {},
      { token },
    );
    expect(literal.errors?.length).toBeGreaterThan(0);

    const STAFF = /* GraphQL */ `
      mutation ($input: CreateStaffMemberInput!) {
        createStaffMember(input: $input) {
          id
        }
      }
    `;
    const staff = {
      employeeId: 'EMP-LEAK-1',
      firstName: 'Mei',
      lastName: 'Leak-Test',
      email: 'mei.leak@example.com',
      phone: '+6598765432',
      position: 'Dealer',
      department: 'Gaming',
      hireDate: '2026-01-05T00:00:00.000Z',
      salary: SALARY,
    };
    expect((await call(STAFF, { input: staff }, { token })).errors).toBeUndefined();
    const badSalary = await call(
      STAFF,
      { input: { ...staff, employeeId: 'EMP-LEAK-2', salary: BAD_SALARY } },
      { token },
    );
    expect(badSalary.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unparsable = await call(
      STAFF,
      { input: { ...staff, employeeId: 'EMP-LEAK-3', salary: `${SALARY}x` } },
      { token },
    );

    expect(unparsable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const GUEST = /* GraphQL */ `
      mutation ($input: RegisterWalkInGuestInput!) {
        registerWalkInGuest(input: $input) {
          id
        }
      }
    `;
    const guest = {
      firstName: 'Tane',
      lastName: 'Leak-Test',
      nationality: 'NZ',
      idDocument: GUEST_DOCUMENT,
      marketingConsent: false,
    };
    expect((await call(GUEST, { input: guest }, { token })).errors).toBeUndefined();

    // reads by roles that get masks or refusals, and by one that gets plaintext (audited, never logged)
    const READ = /* GraphQL */ `
      query {
        members(first: 50) {
          edges {
            node {
              nicPassport
            }
          }
        }
        staffMembers(first: 50) {
          edges {
            node {
              salary
            }
          }
        }
        walkInGuests(first: 50) {
          edges {
            node {
              idDocument
            }
          }
        }
      }
    `;
    await call(READ, {}, { as: IDENTITIES.Supervisor });
    await call(READ, {}, { as: IDENTITIES.SuperAdmin });

    const CHANGE_PASSWORD = /* GraphQL */ `
      mutation ($input: ChangeOwnPasswordInput!) {
        changeOwnPassword(input: $input)
      }
    `;
    const refused = await call(
      CHANGE_PASSWORD,
      { input: { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD } },
      { token },
    );
    expect(refused.errors?.length).toBeGreaterThan(0);

    const REFRESH = /* GraphQL */ `
      mutation ($input: RefreshTokenInput!) {
        refreshToken(input: $input) {
          token
        }
      }
    `;
    await call(REFRESH, { input: { refreshToken: `${refreshToken}tampered` } });
    const refreshed = await call(REFRESH, { input: { refreshToken } });
    secrets.push((refreshed.data as { refreshToken: { token: string } }).refreshToken.token);
    // a replayed (already rotated) refresh token and a forged bearer token
    await call(REFRESH, { input: { refreshToken } });
    await call('{ me { id } }', {}, { token: `${token.slice(0, -4)}AAAA` });
  }, 180_000);
  afterAll(() => stack?.stop());

  it('captured the traffic it searches', () => {
    expect(logLines.length).toBeGreaterThan(20);
    expect(errors.length).toBeGreaterThanOrEqual(8);
  });

  it.each([
    ['log lines', () => logLines.join('\n')],
    ['error responses', () => JSON.stringify(errors)],
  ])('no secret or personal value appears in the %s', (_name, text) => {
    const haystack = text();
    const found = secrets.filter((secret) => haystack.includes(secret));
    expect(found).toEqual([]);
    // the document number as the client typed it the second time, too
    expect(haystack.toLowerCase()).not.toContain(NIC_TYPED);
  });
});
