import { randomUUID } from 'node:crypto';
import type { AdminIdentity } from '@casino/auth';
import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { AUDIT_LOGS } from '../audit/audit-log-store';
import { COMPLIANCE_REPORTS } from '../reports/compliance-report-store';
import { accountOf, auditLogDoc, errorCode, IDENTITIES, reportDoc } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ERASURE_REQUESTS } from './erasure-store';
import { insertLoyaltyMember, startErasureUpstreams, switchableClient } from './testing';
import type { TestPerson } from './testing';

const REQUEST_FIELDS = /* GraphQL */ `
  id
  memberId
  reason
  requestReference
  requestedBy {
    id
    username
  }
  requestedByUsername
  requestedAt
  status
  attempts
  failedSubgraphs
  completedAt
  steps {
    subgraph
    status
    finishedAt
    error
    counts {
      name
      count
    }
  }
`;
const ERASE = `mutation ($input: EraseMemberInput!) { eraseMember(input: $input) { ${REQUEST_FIELDS} } }`;
const REQUESTS = `query { erasureRequests(first: 10) { totalCount edges { node { ${REQUEST_FIELDS} } } } }`;

interface StepView {
  subgraph: string;
  status: string;
  finishedAt: string | null;
  error: string | null;
  counts: { name: string; count: number }[];
}
interface RequestView {
  id: string;
  memberId: string;
  status: string;
  attempts: number;
  failedSubgraphs: string[];
  completedAt: string | null;
  requestedBy: { id: string; username: string } | null;
  requestedByUsername: string | null;
  steps: StepView[];
}

const { generalAdmin, gamingManager } = IDENTITIES;
const counts = (step: StepView | undefined) =>
  Object.fromEntries((step?.counts ?? []).map((c) => [c.name, c.count]));

describe('eraseMember (right to erasure across the subgraphs)', () => {
  let upstreams: Awaited<ReturnType<typeof startErasureUpstreams>>;
  let marketing: ReturnType<typeof switchableClient>;
  let harness: SubgraphHarness;

  beforeAll(async () => {
    upstreams = await startErasureUpstreams();
    marketing = switchableClient(upstreams.marketing.client);
    harness = await startSubgraphHarness(complianceSubgraph, {
      services: {
        loyalty: upstreams.loyalty.client,
        marketing: marketing.client,
        gaming: upstreams.gaming.client,
      },
    });
    await harness.db.collection(ADMIN_USERS).insertOne({ ...accountOf(generalAdmin as AdminIdentity) });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
    await upstreams.stop();
  });

  const erase = (memberId: string, identity = generalAdmin) =>
    harness.execute<{ eraseMember: RequestView }>(
      ERASE,
      { input: { memberId, reason: 'Written request of the member', requestReference: 'DPO-2026-17' } },
      { identity },
    );

  async function memberEverywhere(): Promise<{
    person: TestPerson;
    guestId: string;
    notificationId: string;
  }> {
    const person = await insertLoyaltyMember(upstreams.loyalty);
    const guestId = randomUUID();
    const notificationId = randomUUID();
    await upstreams.marketing.db.collection('customer_analytics').insertOne({
      id: randomUUID(),
      member_id: person.id,
      marketing_segments: ['regular'],
      last_updated: new Date(),
    });
    await upstreams.marketing.db.collection('notifications').insertOne({
      id: notificationId,
      recipient_type: 'user',
      recipient_id: person.id,
      recipient_email: person.email,
      recipient_phone: person.phone,
      title: `Welcome ${person.firstName}`,
      content: `Dear ${person.firstName} ${person.lastName}`,
      metadata: {},
      status: 'sent',
    });
    await upstreams.marketing.db.collection('walk_in_guests').insertOne({
      id: guestId,
      first_name: person.firstName,
      last_name: person.lastName,
      phone: person.phone,
      email: person.email,
      notes: `${person.firstName} came with a friend`,
      id_document: 'sealed-value-stand-in',
      id_document_index: 'index-stand-in',
      converted_to_member: true,
      converted_member_id: person.id,
    });
    await upstreams.gaming.db.collection('gaming_sessions').insertOne({
      id: randomUUID(),
      member_id: person.id,
      status: 'completed',
    });
    // audit entries about the member and about a record erased with them, as the subgraphs recorded them
    await harness.db.collection(AUDIT_LOGS).insertMany([
      auditLogDoc({
        action: 'updateMember',
        target_id: person.id,
        changes: { before: { preferences: { note: person.lastName } }, after: { email: person.email } },
      }),
      auditLogDoc({
        action: 'registerWalkInGuest',
        target_type: 'WalkInGuest',
        target_id: guestId,
        changes: { before: null, after: { notes: `${person.firstName} came with a friend` } },
      }),
      auditLogDoc({
        action: 'sendNotification',
        target_type: 'Notification',
        target_id: notificationId,
        changes: { before: null, after: { recipient_id: person.id, content: `Dear ${person.lastName}` } },
      }),
    ]);
    await harness.db.collection(COMPLIANCE_REPORTS).insertOne({
      ...reportDoc({
        violations: [
          {
            id: randomUUID(),
            category: 'kyc',
            severity: 'high',
            status: 'open',
            description: 'Member is not KYC-verified but bought in 12000.00 over 3 session(s) in the period',
            detected_at: new Date(),
            member_id: person.id,
          },
        ],
      }),
    });
    return { person, guestId, notificationId };
  }

  it('erases the member in every subgraph and records the request with each step', async () => {
    const { person } = await memberEverywhere();
    const result = await erase(person.id);
    expect(result.errors).toBeUndefined();
    const request = result.data!.eraseMember;
    expect(request).toMatchObject({
      memberId: person.id,
      status: 'completed',
      attempts: 1,
      failedSubgraphs: [],
      requestedBy: { id: generalAdmin.userId },
      requestedByUsername: generalAdmin.username,
      completedAt: expect.any(String),
    });
    expect(request.steps.map((s) => [s.subgraph, s.status])).toEqual([
      ['loyalty', 'completed'],
      ['marketing', 'completed'],
      ['gaming', 'completed'],
      ['compliance', 'completed'],
    ]);
    const [loyalty, marketingStep, gaming, compliance] = request.steps;
    expect(counts(loyalty)).toMatchObject({ membersAnonymised: 1, ledgerEntriesKept: 0 });
    expect(counts(marketingStep)).toEqual({
      analyticsDeleted: 1,
      notificationsAnonymised: 1,
      guestsAnonymised: 1,
    });
    expect(counts(gaming)).toMatchObject({ sessionsKept: 1, personalFieldsCleared: 0 });
    expect(counts(compliance)).toEqual({
      auditEntriesAboutMember: 3,
      auditEntriesScrubbed: 3,
      reportFindingsKept: 1,
    });

    // every subgraph's database and compliance's own: none of the member's values left
    const values = [person.firstName, person.lastName, person.email, person.phone, person.nic];
    for (const db of [upstreams.loyalty.db, upstreams.marketing.db, upstreams.gaming.db, harness.db]) {
      for (const collection of await db.collections()) {
        const json = JSON.stringify(await collection.find({}).toArray());
        for (const value of values) expect(`${collection.collectionName}: ${json}`).not.toContain(value);
      }
    }
    const member = await upstreams.loyalty.db.collection('members').findOne({ id: person.id });
    expect(member).toMatchObject({ first_name: 'Erased', is_active: false, marketing_consent: false });
    expect(member).not.toHaveProperty('nic_passport');
    // the finding stays, by member id
    expect(
      await harness.db.collection(COMPLIANCE_REPORTS).countDocuments({ 'violations.member_id': person.id }),
    ).toBe(1);

    // a second request resumes the same record and changes nothing more
    const again = await erase(person.id);
    expect(again.errors).toBeUndefined();
    expect(again.data!.eraseMember).toMatchObject({ id: request.id, status: 'completed', attempts: 2 });
    expect(counts(again.data!.eraseMember.steps[3])).toMatchObject({ auditEntriesScrubbed: 0 });
    expect(await harness.db.collection(ERASURE_REQUESTS).countDocuments({ member_id: person.id })).toBe(1);

    const listed = await harness.execute<{ erasureRequests: { edges: { node: RequestView }[] } }>(
      REQUESTS,
      {},
      { identity: generalAdmin },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.erasureRequests.edges.map((e) => e.node.id)).toContain(request.id);
  });

  it('is for GeneralAdmin and above: a Manager is FORBIDDEN and nothing is erased', async () => {
    const { person } = await memberEverywhere();
    const result = await erase(person.id, gamingManager);
    expect(errorCode(result)).toBe('FORBIDDEN');
    const listed = await harness.execute(REQUESTS, {}, { identity: gamingManager });
    expect(errorCode(listed)).toBe('FORBIDDEN');
    const member = await upstreams.loyalty.db.collection('members').findOne({ id: person.id });
    expect(member!.first_name).toBe(person.firstName);
    expect(await harness.db.collection(ERASURE_REQUESTS).countDocuments({ member_id: person.id })).toBe(0);
  });

  it('answers NOT_FOUND for a member loyalty does not know, storing nothing', async () => {
    const memberId = randomUUID();
    const result = await erase(memberId);
    expect(errorCode(result)).toBe('NOT_FOUND');
    expect(await harness.db.collection(ERASURE_REQUESTS).countDocuments({ member_id: memberId })).toBe(0);
  });

  it('validates the input', async () => {
    const result = await harness.execute(
      ERASE,
      { input: { memberId: randomUUID(), reason: '   ' } },
      { identity: generalAdmin },
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.field).toBe('input.reason');
  });

  it('records a failed request naming the subgraph that was down, and a re-run completes it', async () => {
    const { person } = await memberEverywhere();
    marketing.cut();
    let failed;
    try {
      failed = await erase(person.id);
    } finally {
      marketing.restore();
    }
    expect(errorCode(failed)).toBe('SERVICE_UNAVAILABLE');
    expect(failed.errors![0]!.message).toContain('marketing');
    expect(failed.errors![0]!.extensions).toMatchObject({ subgraphs: ['marketing'] });
    const stored = await harness.db.collection(ERASURE_REQUESTS).findOne({ member_id: person.id });
    expect(stored).toMatchObject({
      status: 'failed',
      failed_subgraphs: ['marketing'],
      completed_at: null,
      results: {
        loyalty: { status: 'completed' },
        marketing: { status: 'failed', error: 'marketing could not be reached', finished_at: null },
        gaming: { status: 'completed' },
        compliance: { status: 'completed' },
      },
    });
    // the failed attempt is in the audit trail too
    expect(harness.auditEvents.filter((e) => e.action === 'eraseMember').at(-1)).toMatchObject({
      outcome: 'failed',
    });
    expect(
      await upstreams.marketing.db.collection('customer_analytics').countDocuments({ member_id: person.id }),
    ).toBe(1);

    const rerun = await erase(person.id);
    expect(rerun.errors).toBeUndefined();
    expect(rerun.data!.eraseMember).toMatchObject({
      id: stored!.id,
      status: 'completed',
      attempts: 2,
      failedSubgraphs: [],
    });
    expect(
      await upstreams.marketing.db.collection('customer_analytics').countDocuments({ member_id: person.id }),
    ).toBe(0);
    // the audit entries of the records only marketing could name are scrubbed on the re-run
    const json = JSON.stringify(await harness.db.collection(AUDIT_LOGS).find({}).toArray());
    expect(json).not.toContain(person.firstName);
    expect(json).not.toContain(person.lastName);
  });
});
