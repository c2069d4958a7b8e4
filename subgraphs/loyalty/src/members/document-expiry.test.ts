import { loyaltySubgraph } from '../index';
import type { MemberDocument } from './member-store';
import { COMPLIANCE_SERVICE, SERVICE, admin, memberDocument } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      documentExpiry
    }
  }
`;

const UPDATE_MEMBER = /* GraphQL */ `
  mutation ($input: UpdateMemberInput!) {
    updateMember(input: $input) {
      id
      documentExpiry
    }
  }
`;

const DAY_MS = 24 * 60 * 60 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

const validInput = {
  firstName: 'Ruwan',
  lastName: 'Fernando',
  email: 'ruwan.fernando@example.com',
  phone: '+94 77 765 4321',
  dateOfBirth: '1979-09-30T00:00:00.000Z',
  nationality: 'Sri Lanka',
  nicPassport: 'R7912345',
};

describe('identity document expiry', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('is recorded at registration when in the future, BAD_USER_INPUT input.documentExpiry otherwise', async () => {
    const before = await members().countDocuments();
    for (const past of [inDays(-1), new Date(Date.now() - 1000).toISOString()]) {
      const result = await harness.execute(REGISTER, { input: { ...validInput, documentExpiry: past } });
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.documentExpiry',
      });
    }
    expect(await members().countDocuments()).toBe(before);

    const expiry = inDays(3 * 365);
    const result = await harness.execute<{ registerMember: { id: string; documentExpiry: string } }>(
      REGISTER,
      {
        input: { ...validInput, documentExpiry: expiry },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.registerMember.documentExpiry).toBe(expiry);
    const stored = await members().findOne({ id: result.data!.registerMember.id });
    expect(stored!.document_expiry).toEqual(new Date(expiry));

    // optional: a member without one has none
    const without = await harness.execute<{ registerMember: { documentExpiry: string | null } }>(REGISTER, {
      input: { ...validInput, email: 'other.ruwan@example.com', nicPassport: 'R7954321' },
    });
    expect(without.errors).toBeUndefined();
    expect(without.data!.registerMember.documentExpiry).toBeNull();
  });

  it('is renewed through updateMember by GeneralAdmin and above only, audited', async () => {
    const member = memberDocument({ document_expiry: new Date('2026-01-01T00:00:00Z') });
    await members().insertOne({ ...member });
    const renewed = '2034-06-30T00:00:00.000Z';
    for (const role of ['Supervisor', 'Manager']) {
      const refused = await harness.execute(
        UPDATE_MEMBER,
        { input: { id: member.id, documentExpiry: renewed } },
        { identity: admin(role) },
      );
      expect([role, refused.errors?.[0]?.extensions?.code]).toEqual([role, 'FORBIDDEN']);
    }
    expect((await members().findOne({ id: member.id }))!.document_expiry).toEqual(
      new Date('2026-01-01T00:00:00Z'),
    );
    const general = await harness.execute(
      UPDATE_MEMBER,
      { input: { id: member.id, documentExpiry: renewed } },
      { identity: admin('GeneralAdmin', null) },
    );
    expect(general.errors).toBeUndefined();
    expect(general.data).toEqual({ updateMember: { id: member.id, documentExpiry: renewed } });
    expect((await members().findOne({ id: member.id }))!.document_expiry).toEqual(new Date(renewed));
    const audit = [...harness.auditEvents].reverse().find((e) => e.action === 'updateMember');
    expect(audit).toMatchObject({
      outcome: 'allowed',
      changes: {
        before: { document_expiry: '2026-01-01T00:00:00.000Z' },
        after: { document_expiry: renewed },
      },
    });
  });

  it('is readable by admins; services read expiry dates through the compliance feed only', async () => {
    const member = memberDocument({ document_expiry: new Date('2030-02-01T00:00:00Z') });
    await members().insertOne({ ...member });
    const query = `query ($id: ID!) { member(id: $id) { id documentExpiry } }`;
    const read = await harness.execute(query, { id: member.id }, { identity: admin('Supervisor') });
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ member: { id: member.id, documentExpiry: '2030-02-01T00:00:00.000Z' } });
    for (const identity of [SERVICE, COMPLIANCE_SERVICE]) {
      const result = await harness.execute(query, { id: member.id }, { identity });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(result.data)).not.toContain('2030-02-01');
    }
  });
});
