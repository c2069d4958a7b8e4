import { loyaltySubgraph } from '../index';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      memberNumber
      firstName
      email
      tier
      pointsBalance
      lifetimeSpend
      nicPassport
      registrationDate
    }
  }
`;

const validInput = {
  firstName: 'Nadia',
  lastName: 'Perera',
  email: 'Nadia.Perera@example.com',
  phone: '+94 77 123 4567',
  dateOfBirth: '1988-04-12T00:00:00.000Z',
  nationality: 'Sri Lanka',
  nicPassport: 'N8812345',
  marketingConsent: true,
};

describe('registerMember', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('enrols a member at Ruby with empty balances and a UUID id', async () => {
    const result = await harness.execute<{ registerMember: Record<string, unknown> }>(REGISTER, {
      input: validInput,
    });
    expect(result.errors).toBeUndefined();
    const member = result.data!.registerMember;
    expect(member.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(member).toMatchObject({
      firstName: 'Nadia',
      email: 'nadia.perera@example.com',
      tier: 'Ruby',
      pointsBalance: 0,
      lifetimeSpend: '0.00',
      // the default test identity is a SuperAdmin, who sees the document number in full (see permissions.test.ts)
      nicPassport: 'N8812345',
    });
    expect(member.memberNumber).toMatch(/^M\d{9}$/);
    const stored = await harness.db.collection('members').findOne({ id: member.id });
    expect(stored?.first_name).toBe('Nadia');
  });

  it('names the invalid field and writes nothing', async () => {
    const before = await harness.db.collection('members').countDocuments();
    const result = await harness.execute(REGISTER, { input: { ...validInput, email: 'not-an-email' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    const underAge = await harness.execute(REGISTER, {
      input: { ...validInput, nicPassport: 'U1234567', dateOfBirth: new Date().toISOString() },
    });
    expect(underAge.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.dateOfBirth',
    });
    expect(await harness.db.collection('members').countDocuments()).toBe(before);
  });

  it('refuses a second member with the same identity document as CONFLICT', async () => {
    const before = await harness.db.collection('members').countDocuments();
    const result = await harness.execute(REGISTER, {
      input: { ...validInput, email: 'other@example.com', nicPassport: 'n8812345' },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.nicPassport' });
    expect(await harness.db.collection('members').countDocuments()).toBe(before);
  });
});
