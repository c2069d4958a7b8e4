import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import type { MemberDocument } from './member-store';
import { admin, insertMember } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const CREATE_REWARD = /* GraphQL */ `
  mutation ($input: CreateRewardInput!) {
    createReward(input: $input) {
      id
      name
      category
      pointsRequired
      cashValue
      tierAccess
      stockQuantity
      isActive
    }
  }
`;

const UPDATE_REWARD = /* GraphQL */ `
  mutation ($input: UpdateRewardInput!) {
    updateReward(input: $input) {
      id
      name
      pointsRequired
      stockQuantity
      isActive
    }
  }
`;

const UPDATE_MEMBER = /* GraphQL */ `
  mutation ($input: UpdateMemberInput!) {
    updateMember(input: $input) {
      id
      email
      phone
      marketingConsent
      kycVerified
      preferences
    }
  }
`;

const SELF_EXCLUDE = /* GraphQL */ `
  mutation ($input: SetSelfExclusionInput!) {
    setSelfExclusion(input: $input) {
      id
      selfExcluded
    }
  }
`;

const rewardInput = {
  name: 'Spa afternoon',
  description: 'Two hours at the spa',
  category: 'accommodation',
  pointsRequired: 2500,
  cashValue: '120.00',
  tierAccess: ['Diamond', 'VIP', 'VIP'],
  stockQuantity: 10,
};

describe('managing rewards and members', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const lastAudit = (action: string) => [...harness.auditEvents].reverse().find((e) => e.action === action);

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('lets Managers create and update rewards, Supervisors neither', async () => {
    const created = await harness.execute<{ createReward: { id: string } }>(
      CREATE_REWARD,
      { input: rewardInput },
      { identity: admin('Manager', 'F&B') },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createReward).toMatchObject({
      name: 'Spa afternoon',
      cashValue: '120.00',
      tierAccess: ['Diamond', 'VIP'],
      stockQuantity: 10,
      isActive: true,
    });
    const id = created.data!.createReward.id;
    const unlimited = await harness.execute(
      UPDATE_REWARD,
      { input: { id, stockQuantity: null, pointsRequired: 3000 } },
      { identity: admin('GeneralAdmin', null) },
    );
    expect(unlimited.errors).toBeUndefined();
    expect(unlimited.data).toEqual({
      updateReward: { id, name: 'Spa afternoon', pointsRequired: 3000, stockQuantity: null, isActive: true },
    });
    expect(lastAudit('updateReward')).toMatchObject({
      targetId: id,
      changes: { before: { points_required: 2500 }, after: { points_required: 3000 } },
    });
    const kept = await harness.execute(UPDATE_REWARD, { input: { id, isActive: false } });
    expect(kept.data).toMatchObject({ updateReward: { stockQuantity: null, isActive: false } });
    const supervisor = admin('Supervisor');
    expect(
      (await harness.execute(CREATE_REWARD, { input: rewardInput }, { identity: supervisor })).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await harness.execute(UPDATE_REWARD, { input: { id, name: 'x' } }, { identity: supervisor }))
        .errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
  });

  it('validates reward input and names unknown rewards', async () => {
    const bad = await harness.execute(CREATE_REWARD, { input: { ...rewardInput, pointsRequired: 0 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.pointsRequired',
    });
    const noTier = await harness.execute(CREATE_REWARD, { input: { ...rewardInput, tierAccess: [] } });
    expect(noTier.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.tierAccess',
    });
    const unknown = await harness.execute(UPDATE_REWARD, { input: { id: randomUUID(), name: 'x' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
  });

  it('updates contact fields, consent and preferences for any admin, kycVerified for GeneralAdmin+', async () => {
    const member = await insertMember(harness.db, { kyc_verified: false });
    const result = await harness.execute(
      UPDATE_MEMBER,
      {
        input: {
          id: member.id,
          email: 'New.Address@Example.com',
          phone: '+94 71 555 1234',
          marketingConsent: true,
          preferences: { drink: 'tea' },
        },
      },
      { identity: admin('Supervisor') },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      updateMember: {
        id: member.id,
        email: 'new.address@example.com',
        phone: '+94 71 555 1234',
        marketingConsent: true,
        kycVerified: false,
        preferences: { drink: 'tea' },
      },
    });
    const manager = await harness.execute(
      UPDATE_MEMBER,
      { input: { id: member.id, kycVerified: true } },
      { identity: admin('Manager') },
    );
    expect(manager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await members().findOne({ id: member.id }))!.kyc_verified).toBe(false);
    const general = await harness.execute(
      UPDATE_MEMBER,
      { input: { id: member.id, kycVerified: true } },
      { identity: admin('GeneralAdmin', null) },
    );
    expect(general.errors).toBeUndefined();
    expect((await members().findOne({ id: member.id }))!.kyc_verified).toBe(true);
    const badEmail = await harness.execute(UPDATE_MEMBER, { input: { id: member.id, email: 'nope' } });
    expect(badEmail.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });

  it('sets and lifts self-exclusion for Managers and above, audited with before and after', async () => {
    const member = await insertMember(harness.db);
    const input = { memberId: member.id, selfExcluded: true, reason: 'asked at the desk' };
    const supervisor = await harness.execute(SELF_EXCLUDE, { input }, { identity: admin('Supervisor') });
    expect(supervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const manager = await harness.execute(SELF_EXCLUDE, { input }, { identity: admin('Manager') });
    expect(manager.errors).toBeUndefined();
    expect(manager.data).toEqual({ setSelfExclusion: { id: member.id, selfExcluded: true } });
    expect(lastAudit('setSelfExclusion')).toMatchObject({
      outcome: 'allowed',
      targetId: member.id,
      changes: {
        before: { self_excluded: false },
        // a reason can be health or family detail: kept on the member, redacted in the trail
        after: { self_excluded: true, self_exclusion_reason: '[redacted]' },
      },
    });
    const stored = await members().findOne({ id: member.id });
    expect(stored).toMatchObject({ self_excluded: true, self_exclusion_reason: 'asked at the desk' });
    const noReason = await harness.execute(SELF_EXCLUDE, { input: { ...input, reason: '' } });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
  });
});
