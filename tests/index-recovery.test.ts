import { REQUEST_CREDENTIAL_HEADER, developmentSigner, signRequestCredential } from '@casino/auth';
import { loyaltySubgraph } from '@casino/loyalty';
import { TEST_SUPERADMIN, startServedSubgraph } from '@casino/testing';
import type { ServedSubgraph } from '@casino/testing';

const REGISTER = 'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id } }';
const INTERVAL_MS = 300;

interface Answer {
  data?: { registerMember: { id: string } | null } | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const member = (email: string) => ({
  firstName: 'Kavinda',
  lastName: 'Silva',
  email,
  phone: '+94 71 555 0101',
  dateOfBirth: '1979-02-03T00:00:00.000Z',
  nationality: 'Sri Lanka',
  nicPassport: '790340123V',
});

describe('indexes come back without a restart', () => {
  let loyalty: ServedSubgraph;

  beforeAll(async () => {
    loyalty = await startServedSubgraph(loyaltySubgraph, {
      env: { INDEX_CHECK_INTERVAL_MS: String(INTERVAL_MS) },
    });
  });
  afterAll(async () => {
    await loyalty?.stop();
  });

  /** registerMember as the gateway sends it, for a SuperAdmin. */
  async function register(email: string): Promise<Answer> {
    const body = JSON.stringify({ query: REGISTER, variables: { input: member(email) } });
    const response = await fetch(loyalty.running.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [REQUEST_CREDENTIAL_HEADER]: await signRequestCredential(developmentSigner('gateway'), {
          identity: TEST_SUPERADMIN,
          audience: 'loyalty',
          body,
        }),
      },
      body,
    });
    return (await response.json()) as Answer;
  }

  const indexNames = async () =>
    (
      await loyalty.db
        .collection('members')
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((index) => String(index.name));

  async function waitForIndex(name: string): Promise<number> {
    const started = Date.now();
    while (!(await indexNames()).includes(name)) {
      if (Date.now() - started > 20 * INTERVAL_MS) throw new Error(`${name} was not recreated`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  }

  it('recreates a dropped unique index, so a duplicate document is CONFLICT again', async () => {
    expect((await register('first@example.com')).errors).toBeUndefined();
    expect((await register('second@example.com')).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await loyalty.db.collection('members').dropIndex('nic_passport_index_1');
    expect(await indexNames()).not.toContain('nic_passport_index_1');
    await waitForIndex('nic_passport_index_1');

    const duplicate = await register('third@example.com');
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.nicPassport' });
    expect(await loyalty.db.collection('members').countDocuments()).toBe(1);
  });

  it('recreates every index of a dropped collection', async () => {
    await loyalty.db.collection('members').drop();
    await waitForIndex('nic_passport_index_1');
    expect(await indexNames()).toEqual(expect.arrayContaining(['id_1', 'member_number_1', 'email_1']));

    expect((await register('fourth@example.com')).errors).toBeUndefined();
    expect((await register('fifth@example.com')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
