import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { RegisterMemberFromWalkInDocument } from '@casino/loyalty/operations';
import { unreachableService } from '@casino/gaming/testing';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { startMembers } from '../testing/play-and-members';
import { RECORD_GUEST_EXIT, REGISTER_WALK_IN_GUEST } from '../testing/walk-ins';
import type { Members } from '../testing/play-and-members';
import type { WalkInGuestDocument } from './guest-store';
import { WALK_IN_GUESTS } from './guest-store';

const CONVERT = /* GraphQL */ `
  mutation ($input: ConvertWalkInGuestInput!) {
    convertWalkInGuest(input: $input) {
      id
      convertedToMember
      convertedMember {
        id
        walkInVisits {
          id
          spendAmount
        }
      }
    }
  }
`;

interface Converted {
  convertWalkInGuest: {
    id: string;
    convertedToMember: boolean;
    convertedMember: { id: string; walkInVisits: { id: string; spendAmount: string }[] } | null;
  };
}

const BORN = '1984-07-09T00:00:00.000Z';
let docNo = 0;

describe('converting a walk-in guest to a member in one step', () => {
  let harness: SubgraphHarness;
  let members: Members;
  const guests = () => harness.db.collection<WalkInGuestDocument>(WALK_IN_GUESTS);
  const loyaltyMembers = () => members.loyaltyDb.collection('members');

  /** A guest on the premises; `idDocument` defaults to a new one. */
  async function guest(over: Record<string, unknown> = {}) {
    docNo += 1;
    const input = {
      firstName: 'Chamari',
      lastName: 'Silva',
      nationality: 'Sri Lanka',
      email: `chamari.${docNo}@example.com`,
      phone: '+94 77 555 0101',
      idDocument: `C7000000${docNo}V`,
      marketingConsent: true,
      ...over,
    };
    const result = await harness.execute<{ registerWalkInGuest: { id: string } }>(REGISTER_WALK_IN_GUEST, {
      input,
    });
    expect(result.errors).toBeUndefined();
    return { id: result.data!.registerWalkInGuest.id, idDocument: input.idDocument as string };
  }
  const convert = (input: Record<string, unknown>, identity: Identity = AS.gamingSupervisor) =>
    harness.execute<Converted>(CONVERT, { input }, { identity });

  beforeAll(async () => {
    members = await startMembers();
    harness = await startSubgraphHarness(marketingSubgraph, { services: { loyalty: members.loyalty } });
  });
  afterAll(async () => {
    await harness?.close();
    await members?.stop();
  });

  it("registers the member from the guest's details and links the visit in one call, audited", async () => {
    const visitor = await guest({ idDocument: 'c70000999v' });
    expect(
      (await harness.execute(RECORD_GUEST_EXIT, { input: { id: visitor.id, spendAmount: '250.00' } })).errors,
    ).toBeUndefined();
    harness.auditEvents.length = 0;

    const result = await convert({ id: visitor.id, member: { dateOfBirth: BORN } });
    expect(result.errors).toBeUndefined();
    const converted = result.data!.convertWalkInGuest;
    expect(converted).toMatchObject({
      id: visitor.id,
      convertedToMember: true,
      convertedMember: { walkInVisits: [{ id: visitor.id, spendAmount: '250.00' }] },
    });
    const memberId = converted.convertedMember!.id;
    const member = await loyaltyMembers().findOne({ id: memberId }, { projection: { _id: 0 } });
    expect(member).toMatchObject({
      first_name: 'Chamari',
      last_name: 'Silva',
      nationality: 'Sri Lanka',
      phone: '+94 77 555 0101',
      date_of_birth: new Date(BORN),
      marketing_consent: true,
      tier: 'Ruby',
      points_balance: 0,
      walk_in_guest_id: visitor.id,
    });
    // the document travels sealed into loyalty's store, under loyalty's blind index
    expect(JSON.stringify(member)).not.toMatch(/C70000999V/i);
    expect(member!.nic_passport_index).toEqual(expect.any(String));
    expect((await guests().findOne({ id: visitor.id }))?.converted_member_id).toBe(memberId);

    const [event] = harness.auditEvents.filter((e) => e.action === 'convertWalkInGuest');
    expect(event).toMatchObject({
      outcome: 'allowed',
      targetId: visitor.id,
      changes: { after: { memberId } },
    });
    expect(JSON.stringify(harness.auditEvents)).not.toMatch(/C70000999V|Chamari/i);
  });

  it('takes the contact details a guest lacks from the input, and refuses without them, writing nothing', async () => {
    const anonymous = await guest({ email: null, phone: null });
    const before = await loyaltyMembers().countDocuments();
    const missing = await convert({ id: anonymous.id, member: { dateOfBirth: BORN } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.member.email',
    });
    const badEmail = await convert({
      id: anonymous.id,
      member: { dateOfBirth: BORN, email: 'not-an-email', phone: '+94 77 555 0199' },
    });
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.member.email',
    });
    expect(await loyaltyMembers().countDocuments()).toBe(before);
    expect((await guests().findOne({ id: anonymous.id }))?.converted_to_member).toBe(false);

    const done = await convert({
      id: anonymous.id,
      member: { dateOfBirth: BORN, email: 'chamari.late@example.com', phone: '+94 77 555 0199' },
    });
    expect(done.errors).toBeUndefined();
    const member = await loyaltyMembers().findOne({ id: done.data!.convertWalkInGuest.convertedMember!.id });
    expect(member).toMatchObject({ email: 'chamari.late@example.com', phone: '+94 77 555 0199' });
  });

  it('refuses cleanly, with nothing written, when a member holds the same identity document', async () => {
    const first = await guest({ idDocument: 'C70000555V' });
    expect((await convert({ id: first.id, member: { dateOfBirth: BORN } })).errors).toBeUndefined();
    await harness.execute(RECORD_GUEST_EXIT, { input: { id: first.id, spendAmount: '0.00' } });
    // the same person comes back as a guest another time: they are a member already
    const again = await guest({ idDocument: 'C70000555V' });
    const before = await loyaltyMembers().countDocuments();
    const refused = await convert({ id: again.id, member: { dateOfBirth: BORN } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    expect(refused.errors?.[0]?.message).toMatch(/already exists/);
    expect(JSON.stringify(refused.errors)).not.toMatch(/C70000555V/i);
    expect(refused.data).toBeNull();
    expect(await loyaltyMembers().countDocuments()).toBe(before);
    expect(await guests().findOne({ id: again.id })).toMatchObject({
      converted_to_member: false,
      converted_member_id: null,
    });
  });

  it('finishes a conversion whose link failed after loyalty enrolled the member, with no second member', async () => {
    const visitor = await guest();
    // loyalty answered, then marketing stopped before linking the visit
    const enrolled = await members.loyalty.request(RegisterMemberFromWalkInDocument, {
      walkInGuestId: visitor.id,
      input: {
        firstName: 'Chamari',
        lastName: 'Silva',
        email: 'chamari.retry@example.com',
        phone: '+94 77 555 0101',
        dateOfBirth: BORN,
        nationality: 'Sri Lanka',
        nicPassport: visitor.idDocument,
        marketingConsent: true,
      },
    });
    const before = await loyaltyMembers().countDocuments();
    const retried = await convert({ id: visitor.id, member: { dateOfBirth: BORN } });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.convertWalkInGuest.convertedMember!.id).toBe(enrolled.registerMemberFromWalkIn.id);
    expect(await loyaltyMembers().countDocuments()).toBe(before);
    // converted once: a second conversion is a CONFLICT and registers nobody
    const twice = await convert({ id: visitor.id, member: { dateOfBirth: BORN } });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    expect(await loyaltyMembers().countDocuments()).toBe(before);
  });

  it('takes either member or memberId, and keeps the two-step form', async () => {
    const visitor = await guest();
    for (const input of [
      { id: visitor.id },
      { id: visitor.id, memberId: randomUUID(), member: { dateOfBirth: BORN } },
    ]) {
      expect((await convert(input)).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.member',
      });
    }
    const existing = randomUUID();
    const linked = await convert({ id: visitor.id, memberId: existing });
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.convertWalkInGuest).toMatchObject({
      convertedToMember: true,
      convertedMember: { id: existing },
    });
  });

  it('is for admins: anonymous callers and services are refused', async () => {
    const visitor = await guest();
    const anonymous = await convert({ id: visitor.id, member: { dateOfBirth: BORN } }, AS.anonymous);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const service = await convert({ id: visitor.id, member: { dateOfBirth: BORN } }, AS.service);
    expect(service.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await guests().findOne({ id: visitor.id }))?.converted_to_member).toBe(false);
  });

  it('stops with SERVICE_UNAVAILABLE, writing nothing, when loyalty cannot be reached', async () => {
    const down = await startSubgraphHarness(marketingSubgraph, {
      services: { loyalty: await unreachableService() },
    });
    try {
      const registered = await down.execute<{ registerWalkInGuest: { id: string } }>(REGISTER_WALK_IN_GUEST, {
        input: {
          firstName: 'Ruwan',
          lastName: 'Fernando',
          nationality: 'Sri Lanka',
          email: 'ruwan@example.com',
          phone: '+94 77 555 0102',
          idDocument: 'R70000001V',
          marketingConsent: false,
        },
      });
      const id = registered.data!.registerWalkInGuest.id;
      const result = await down.execute(CONVERT, { input: { id, member: { dateOfBirth: BORN } } });
      expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await down.db.collection<WalkInGuestDocument>(WALK_IN_GUESTS).findOne({ id })).toMatchObject({
        converted_to_member: false,
      });
    } finally {
      await down.close();
    }
  });
});
