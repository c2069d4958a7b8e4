import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import { admin, COMPLIANCE_SERVICE, memberDocument, SERVICE } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { MEMBERS } from '../members/member-store';
import { EraseLoyaltyMemberDataDocument } from '../__generated__/operations';

const MEMBER = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      id
      firstName
      lastName
      email
      phone
      dateOfBirth
      nationality
      nicPassport
      preferences
      marketingConsent
      isActive
      pointsBalance
    }
    memberLedgerCheck(memberId: $id) {
      consistent
      pointsBalance
    }
  }
`;

const GENERAL_ADMIN = admin('GeneralAdmin', null);
const MANAGER = admin('Manager');

describe('eraseLoyaltyMemberData (right to erasure)', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  async function memberWithHistory() {
    const nic = `NIC${randomUUID().slice(0, 8)}`;
    const member = memberDocument(
      {
        points_balance: 150,
        preferences: { language: 'si', favouriteGame: 'Baccarat' },
        marketing_consent: true,
        self_excluded: true,
        self_exclusion_reason: 'Asked by Kasun Silva in person',
      },
      harness.protector,
      nic,
    );
    await harness.db.collection(MEMBERS).insertOne({ ...member });
    await harness.db.collection('points_ledger').insertOne({
      id: randomUUID(),
      member_id: member.id,
      balance: 'points',
      type: 'earn',
      amount: 150,
      source: 'gaming_session',
      source_id: randomUUID(),
      reason: null,
      idempotency_key: randomUUID(),
      created_at: new Date('2025-03-01T00:00:00Z'),
    });
    await harness.db.collection('reward_redemptions').insertOne({
      id: randomUUID(),
      member_id: member.id,
      reward_id: randomUUID(),
      points_spent: 0,
      status: 'cancelled',
      redeemed_at: new Date('2025-03-02T00:00:00Z'),
      cancelled_at: new Date('2025-03-02T01:00:00Z'),
    });
    return { member, nic };
  }

  it('anonymises the personal fields, removes the identity document and keeps the financial records', async () => {
    const { member, nic } = await memberWithHistory();
    const first = await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: member.id },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data).toMatchObject({
      eraseLoyaltyMemberData: {
        memberId: member.id,
        membersAnonymised: 1,
        ledgerEntriesKept: 1,
        redemptionsKept: 1,
      },
    });

    const raw = await harness.db.collection(MEMBERS).findOne({ id: member.id }, { projection: { _id: 0 } });
    expect(raw).not.toHaveProperty('nic_passport');
    expect(raw).not.toHaveProperty('nic_passport_index');
    expect(raw).toMatchObject({
      first_name: 'Erased',
      last_name: 'Member',
      email: `erased-${member.id}@erased.invalid`,
      phone: '[erased]',
      nationality: '[erased]',
      date_of_birth: new Date('1980-01-01T00:00:00Z'),
      preferences: {},
      marketing_consent: false,
      is_active: false,
      self_excluded: true,
      self_exclusion_reason: '[erased]',
      points_balance: 150,
      member_number: member.member_number,
    });
    expect(raw!.erased_at).toBeInstanceOf(Date);
    const json = JSON.stringify(raw);
    for (const value of [member.first_name, member.last_name, member.email, member.phone, nic, 'Kasun']) {
      expect(json).not.toContain(value);
    }

    for (const identity of [GENERAL_ADMIN, MANAGER]) {
      const read = await harness.execute(MEMBER, { id: member.id }, { identity });
      expect(read.errors).toBeUndefined();
      expect(read.data).toMatchObject({
        member: {
          firstName: 'Erased',
          lastName: 'Member',
          nicPassport: null,
          preferences: {},
          marketingConsent: false,
          isActive: false,
          pointsBalance: 150,
        },
        memberLedgerCheck: { consistent: true, pointsBalance: 150 },
      });
    }

    // a second run changes nothing and keeps the first erasure time
    const second = await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: member.id },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    const after = await harness.db.collection(MEMBERS).findOne({ id: member.id }, { projection: { _id: 0 } });
    expect(after).toEqual(raw);
  });

  it('answers NOT_FOUND for an unknown member', async () => {
    const result = await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: randomUUID() },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("is for compliance's service only", async () => {
    const { member } = await memberWithHistory();
    for (const identity of [GENERAL_ADMIN, SERVICE]) {
      const result = await harness.execute(
        EraseLoyaltyMemberDataDocument,
        { memberId: member.id },
        { identity },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const raw = await harness.db.collection(MEMBERS).findOne({ id: member.id });
    expect(raw!.first_name).toBe(member.first_name);
  });

  it('keeps audit entries free of personal values', async () => {
    const { member, nic } = await memberWithHistory();
    harness.auditEvents.length = 0;
    await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: member.id },
      { identity: COMPLIANCE_SERVICE },
    );
    const json = JSON.stringify(harness.auditEvents);
    expect(harness.auditEvents.map((e) => e.action)).toContain('eraseLoyaltyMemberData');
    for (const value of [member.first_name, member.last_name, member.email, member.phone, nic]) {
      expect(json).not.toContain(value);
    }
  });
});
