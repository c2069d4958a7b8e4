import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import {
  AnalyticsMemberFactsDocument,
  CampaignAudienceCheckDocument,
  ComplianceMemberCountsDocument,
  ComplianceMembersKycDocument,
  ComplianceSelfExcludedDocument,
  ErasureMemberExistsDocument,
  GamingMemberCheckDocument,
  MemberMarketingStatusDocument,
  RegisterMemberFromWalkInDocument,
} from './__generated__/operations';
import { loyaltySubgraph } from './index';
import type { MemberDocument } from './members/member-store';
import { COMPLIANCE_SERVICE, SERVICE as GAMING_SERVICE, admin, memberDocument } from './testing/fixtures';

const MARKETING_SERVICE: Identity = { kind: 'service', service: 'marketing' };

/**
 * Loyalty's side of the reads other subgraphs make (operations/*.graphql): each document its callers send,
 * run as the calling service, answers from loyalty's members; an admin signed in at the gateway is refused.
 */
describe('loyalty operations as other subgraphs send them', () => {
  let harness: SubgraphHarness;
  let consenting: MemberDocument;
  let excluded: MemberDocument;

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    consenting = memberDocument(
      { marketing_consent: true, tier: 'Diamond', points_balance: 40 },
      harness.protector,
    );
    excluded = memberDocument({ self_excluded: true, kyc_verified: false }, harness.protector);
    await harness.db.collection<MemberDocument>('members').insertMany([{ ...consenting }, { ...excluded }]);
  });
  afterAll(() => harness.close());

  const representations = (...ids: string[]) => ids.map((id) => ({ __typename: 'Member', id }));

  it("answers gaming's member check and compliance's existence check", async () => {
    const gaming = await harness.execute(
      GamingMemberCheckDocument,
      { id: excluded.id },
      { identity: GAMING_SERVICE },
    );
    expect(gaming.errors).toBeUndefined();
    expect(gaming.data!.member).toEqual({
      id: excluded.id,
      isActive: true,
      selfExcluded: true,
      tier: 'Ruby',
    });
    const exists = await harness.execute(
      ErasureMemberExistsDocument,
      { id: randomUUID() },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(exists.errors).toBeUndefined();
    expect(exists.data!.member).toBeNull();
  });

  it("answers marketing's consent, audience and analytics reads", async () => {
    const status = await harness.execute(
      MemberMarketingStatusDocument,
      { id: consenting.id },
      { identity: MARKETING_SERVICE },
    );
    expect(status.data!.member).toEqual({ marketingConsent: true, selfExcluded: false });
    const unknown = randomUUID();
    const audience = await harness.execute(
      CampaignAudienceCheckDocument,
      { representations: representations(consenting.id, excluded.id, unknown) },
      { identity: MARKETING_SERVICE },
    );
    expect(audience.errors).toBeUndefined();
    expect(audience.data!._entities).toEqual([
      { id: consenting.id, selfExcluded: false, marketingConsent: true, isActive: true },
      { id: excluded.id, selfExcluded: true, marketingConsent: false, isActive: true },
      null,
    ]);
    const facts = await harness.execute(
      AnalyticsMemberFactsDocument,
      { representations: representations(consenting.id) },
      { identity: MARKETING_SERVICE },
    );
    expect(facts.errors).toBeUndefined();
    expect(facts.data!._entities[0]).toMatchObject({ id: consenting.id, tier: 'Diamond', pointsBalance: 40 });
  });

  it("answers compliance's report and dashboard reads", async () => {
    const counts = await harness.execute(
      ComplianceMemberCountsDocument,
      {},
      { identity: COMPLIANCE_SERVICE },
    );
    expect(counts.errors).toBeUndefined();
    expect(counts.data!.complianceMemberCounts).toEqual({
      memberCount: 2,
      kycVerifiedCount: 1,
      selfExcludedCount: 1,
    });
    const selfExcluded = await harness.execute(
      ComplianceSelfExcludedDocument,
      {},
      { identity: COMPLIANCE_SERVICE },
    );
    expect(selfExcluded.data!.selfExcludedMemberIds).toEqual([excluded.id]);
    const kyc = await harness.execute(
      ComplianceMembersKycDocument,
      { representations: representations(excluded.id) },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(kyc.data!._entities).toEqual([{ id: excluded.id, kycVerified: false }]);
  });

  it("enrols the member marketing's walk-in conversion asks for, once per guest", async () => {
    const guestId = randomUUID();
    const input = {
      firstName: 'Nimal',
      lastName: 'Perera',
      email: 'nimal.walkin@example.com',
      phone: '+94771234567',
      dateOfBirth: '1980-04-02T00:00:00.000Z',
      nationality: 'Sri Lanka',
      nicPassport: 'n8000777v',
      marketingConsent: true,
    };
    const send = (walkInGuestId: string, identity: Identity = MARKETING_SERVICE, over = {}) =>
      harness.execute(
        RegisterMemberFromWalkInDocument,
        { walkInGuestId, input: { ...input, ...over } },
        { identity },
      );
    const first = await send(guestId);
    expect(first.errors).toBeUndefined();
    const memberId = first.data!.registerMemberFromWalkIn.id;
    const stored = await harness.db.collection<MemberDocument>('members').findOne({ id: memberId });
    expect(stored).toMatchObject({
      first_name: 'Nimal',
      tier: 'Ruby',
      marketing_consent: true,
      walk_in_guest_id: guestId,
      nic_passport_index: harness.protector!.lookupKey('N8000777V'),
    });
    expect(JSON.stringify(stored)).not.toContain('N8000777V');

    // a retry for the same guest answers with the same member
    const retry = await send(guestId);
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.registerMemberFromWalkIn.id).toBe(memberId);
    // another guest with the same document is someone else: CONFLICT, and nothing is written
    const count = await harness.db.collection('members').countDocuments();
    const other = await send(randomUUID(), MARKETING_SERVICE, { email: 'someone.else@example.com' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.nicPassport' });
    expect(await harness.db.collection('members').countDocuments()).toBe(count);

    // only marketing's service may call it
    for (const identity of [admin('SuperAdmin'), GAMING_SERVICE]) {
      expect((await send(randomUUID(), identity)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('refuses an admin signed in at the gateway', async () => {
    const counts = await harness.execute(
      ComplianceMemberCountsDocument,
      {},
      { identity: admin('GeneralAdmin') },
    );
    expect(counts.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
