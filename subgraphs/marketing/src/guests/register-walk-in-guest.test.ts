import { marketingSubgraph } from '../index';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { WALK_IN_GUESTS } from './guest-store';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
      firstName
      lastName
      email
      phone
      idDocument
      visitDate
      entryTime
      exitTime
      spendAmount
      gamesPlayed
      convertedToMember
      convertedMember {
        id
      }
      followUpRequired
      marketingConsent
      notes
    }
  }
`;

const validInput = {
  firstName: 'Kasun',
  lastName: 'Silva',
  email: 'Kasun.Silva@Example.com',
  phone: '+94 71 555 0101',
  nationality: 'Sri Lanka',
  idDocument: 'n901234567v',
  marketingConsent: true,
};

type Guest = Record<string, unknown> & { id: string };

describe('registerWalkInGuest', () => {
  let harness: SubgraphHarness;
  const guests = () => harness.db.collection(WALK_IN_GUESTS);
  const indexOf = (documentNumber: string) => harness.protector!.lookupKey(documentNumber);
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  it('records an open visit starting now with no spend, showing a SuperAdmin the document', async () => {
    const before = Date.now();
    const result = await harness.execute<{ registerWalkInGuest: Guest }>(REGISTER, { input: validInput });
    expect(result.errors).toBeUndefined();
    const guest = result.data!.registerWalkInGuest;
    expect(guest).toMatchObject({
      firstName: 'Kasun',
      email: 'kasun.silva@example.com',
      idDocument: 'n901234567v',
      exitTime: null,
      spendAmount: '0.00',
      gamesPlayed: [],
      convertedToMember: false,
      convertedMember: null,
      followUpRequired: false,
      marketingConsent: true,
      notes: null,
    });
    expect(guest.entryTime).toBe(guest.visitDate);
    expect(new Date(guest.entryTime as string).getTime()).toBeGreaterThanOrEqual(before);
    // stored sealed, with the blind index beside it and in the open-visit key: no plaintext anywhere
    const stored = await guests().findOne({ id: guest.id });
    expect(JSON.stringify(stored).toUpperCase()).not.toContain('N901234567V');
    expect(stored?.id_document).toMatch(/^enc\.v1\./);
    const context = { collection: 'walk_in_guests', field: 'id_document', documentId: guest.id };
    expect(harness.protector!.open(stored!.id_document as string, context)).toBe('n901234567v');
    const index = harness.protector!.lookupKey('N901234567V');
    expect(stored?.id_document_index).toBe(index);
    expect(stored?.open_visit_key).toBe(`${index}:${(guest.visitDate as string).slice(0, 10)}`);
  });

  it('names the invalid field and writes nothing', async () => {
    const before = await guests().countDocuments();
    const badEmail = await harness.execute(REGISTER, {
      input: { ...validInput, idDocument: 'X1234567', email: 'nope' },
    });
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    const badDocument = await harness.execute(REGISTER, { input: { ...validInput, idDocument: 'a b' } });
    expect(badDocument.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.idDocument',
    });
    const noName = await harness.execute(REGISTER, {
      input: { ...validInput, idDocument: 'X1234567', firstName: ' ' },
    });
    expect(noName.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.firstName',
    });
    expect(await guests().countDocuments()).toBe(before);
  });

  it('refuses a second open visit of the same document today as CONFLICT', async () => {
    const before = await guests().countDocuments();
    const result = await harness.execute(REGISTER, {
      input: { ...validInput, firstName: 'Someone', idDocument: ' N901234567V ' },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idDocument' });
    expect(await guests().countDocuments()).toBe(before);
  });

  it('lets only one of two simultaneous registrations of a document through', async () => {
    const input = { ...validInput, idDocument: 'P7654321' };
    const results = await Promise.all([
      harness.execute(REGISTER, { input }),
      harness.execute(REGISTER, { input }),
      harness.execute(REGISTER, { input }),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(2);
    expect(await guests().countDocuments({ id_document_index: indexOf('P7654321') })).toBe(1);
  });

  it('admits the document again once the earlier visit has ended', async () => {
    await guests().updateOne(
      { id_document_index: indexOf('P7654321') },
      { $set: { exit_time: new Date() }, $unset: { open_visit_key: '' } },
    );
    const result = await harness.execute(REGISTER, { input: { ...validInput, idDocument: 'P7654321' } });
    expect(result.errors).toBeUndefined();
    expect(await guests().countDocuments({ id_document_index: indexOf('P7654321') })).toBe(2);
  });
});
