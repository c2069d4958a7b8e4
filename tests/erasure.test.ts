import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { AdminIdentity } from '@casino/auth';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { GraphQLResponse, TestStack } from './support/stack-harness';

/**
 * The right to erasure end to end (PRODUCT.md §6): a seeded member with play, ledger entries, analytics and
 * notifications, plus a walk-in visit converted into them, is erased by a GeneralAdmin through compliance's
 * eraseMember. Afterwards no role's query and no document of any subgraph's database holds their name,
 * email, phone or identity documents, while the ledger still adds up and the sessions are still there.
 */
const ROLES = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'] as const;

const MEMBER = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      id
      firstName
      lastName
      email
      phone
      nationality
      nicPassport
      isActive
      marketingConsent
      pointsBalance
      walkInVisits {
        id
        firstName
        lastName
        phone
        email
        notes
        idDocument
      }
    }
  }
`;
const MEMBER_MARKETING = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      id
      segments
      analytics {
        id
        favoriteGames
      }
    }
    customerAnalytics(memberId: $id) {
      id
    }
    notifications(filter: { recipientId: $id }, first: 50) {
      totalCount
      edges {
        node {
          id
          title
          content
          recipientEmail
          recipientPhone
          metadata
        }
      }
    }
  }
`;
const GUEST = /* GraphQL */ `
  query ($id: ID!) {
    walkInGuest(id: $id) {
      id
      firstName
      lastName
      phone
      email
      notes
      idDocument
      convertedMember {
        id
      }
    }
  }
`;
const LEDGER = /* GraphQL */ `
  query ($id: ID!) {
    memberLedgerCheck(memberId: $id) {
      consistent
      pointsBalance
      pointsLedgerSum
    }
    gamingSessions(filter: { memberId: $id }, first: 1) {
      totalCount
    }
  }
`;
const REGISTER_GUEST = /* GraphQL */ `
  mutation ($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
    }
  }
`;
const CONVERT_GUEST = /* GraphQL */ `
  mutation ($input: ConvertWalkInGuestInput!) {
    convertWalkInGuest(input: $input) {
      id
      convertedToMember
    }
  }
`;
const REQUEST_FIELDS = `id memberId reason requestReference requestedBy { id username } requestedByUsername requestedAt status attempts failedSubgraphs completedAt steps { subgraph status finishedAt counts { name count } }`;
const ERASE = `mutation ($input: EraseMemberInput!) { eraseMember(input: $input) { ${REQUEST_FIELDS} } }`;
const REQUESTS = `query { erasureRequests(first: 20) { totalCount edges { node { ${REQUEST_FIELDS} } } } }`;
const AUDIT = /* GraphQL */ `
  query ($action: String!) {
    auditLogs(filter: { action: $action }, first: 50) {
      edges {
        node {
          id
          action
          targetId
          outcome
          changes
        }
      }
    }
  }
`;

interface ErasureRequestView {
  id: string;
  memberId: string;
  status: string;
  attempts: number;
  requestedBy: { id: string; username: string } | null;
  requestedByUsername: string | null;
  requestedAt: string;
  completedAt: string | null;
  failedSubgraphs: string[];
  steps: { subgraph: string; status: string; counts: { name: string; count: number }[] }[];
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('eraseMember: the right to erasure across every subgraph', () => {
  let stack: TestStack;
  let mongo: MongoClient;

  // compliance's erasure API through the gateway once the supergraph is composed with it, else directly
  const composed = readFileSync(path.join(__dirname, '../schema/supergraph.graphql'), 'utf8').includes(
    'eraseMember',
  );
  const compliance = <T>(query: string, variables: Record<string, unknown>, identity: AdminIdentity) =>
    composed
      ? stack.query<T>(query, variables, { as: identity })
      : stack.query<T>(query, variables, {
          url: stack.subgraphs.compliance.url,
          signedAs: identity,
        });

  const db = (name: keyof TestStack['databases']) => mongo.db(stack.databases[name]);

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 20 });
    mongo = await MongoClient.connect(stack.mongoUri);
  }, 120_000);
  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
  });

  /** A seeded member with sessions, ledger entries, analytics and notifications. */
  async function pickMember(): Promise<string> {
    const [withSessions, withLedger, withAnalytics, withNotifications] = await Promise.all([
      db('gaming').collection('gaming_sessions').distinct('member_id'),
      db('loyalty').collection('points_ledger').distinct('member_id'),
      db('marketing').collection('customer_analytics').distinct('member_id'),
      db('marketing').collection('notifications').distinct('recipient_id', { recipient_type: 'user' }),
    ]);
    const candidates = (withSessions as string[]).filter(
      (id) => withLedger.includes(id) && withAnalytics.includes(id) && withNotifications.includes(id),
    );
    expect(candidates.length).toBeGreaterThan(0);
    return candidates[0]!;
  }

  /** Waits until every subgraph's audit outbox has delivered its entries to compliance. */
  async function auditDelivered(): Promise<void> {
    await eventually(
      async () => {
        let pending = 0;
        for (const name of Object.keys(stack.databases) as (keyof TestStack['databases'])[]) {
          pending += await db(name).collection('audit_outbox').countDocuments({});
        }
        return pending;
      },
      (pending) => pending === 0,
    );
  }

  /** Every document of every collection of every subgraph's database that leaks something, by name. */
  async function rawScan(leaks: (text: string) => string[]): Promise<string[]> {
    const found: string[] = [];
    for (const name of Object.keys(stack.databases) as (keyof TestStack['databases'])[]) {
      for (const collection of await db(name).collections()) {
        for (const document of await collection.find({}).toArray()) {
          const leaked = leaks(JSON.stringify(document));
          if (leaked.length > 0) {
            found.push(`${name}.${collection.collectionName} ${String(document.id)}: ${leaked.join(', ')}`);
          }
        }
      }
    }
    return found;
  }

  it('erases the member everywhere, keeps the financial records, and records the request', async () => {
    const memberId = await pickMember();

    // what the member looked like, read in full as a SuperAdmin
    const before = await stack.query<{
      member: { firstName: string; lastName: string; email: string; phone: string; nicPassport: string };
    }>(MEMBER, { id: memberId }, { as: IDENTITIES.SuperAdmin });
    expect(before.errors).toBeUndefined();
    const person = before.data!.member;
    expect(person.nicPassport).not.toMatch(/^\*{4}/);

    // the member once came as a walk-in guest, with their own identity document, and was converted
    const guestDocument = `GE${memberId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const registered = await stack.query<{ registerWalkInGuest: { id: string } }>(
      REGISTER_GUEST,
      {
        input: {
          firstName: person.firstName,
          lastName: person.lastName,
          phone: person.phone,
          email: person.email,
          nationality: 'Sri Lanka',
          idDocument: guestDocument,
          marketingConsent: true,
          notes: `${person.firstName} ${person.lastName} asked about membership`,
        },
      },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(registered.errors).toBeUndefined();
    const guestId = registered.data!.registerWalkInGuest.id;
    const converted = await stack.query(
      CONVERT_GUEST,
      { input: { id: guestId, memberId } },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(converted.errors).toBeUndefined();

    const ledgerBefore = await stack.query<{
      memberLedgerCheck: { consistent: boolean; pointsBalance: number };
      gamingSessions: { totalCount: number };
    }>(LEDGER, { id: memberId }, { as: IDENTITIES.GeneralAdmin });
    expect(ledgerBefore.errors).toBeUndefined();
    expect(ledgerBefore.data!.gamingSessions.totalCount).toBeGreaterThan(0);

    // everything that was recorded about these steps has reached compliance's audit trail
    await auditDelivered();

    const values = [person.email, person.phone, person.nicPassport, guestDocument];
    const names = [person.firstName, person.lastName];
    const nameWords = names.map((n) => new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    /** Holds one of the values, or both of the member's names (a first name alone may be someone else's). */
    const leaks = (text: string) => [
      ...values.filter((v) => text.includes(v)),
      ...(nameWords.every((re) => re.test(text)) ? ['the full name'] : []),
    ];

    // the scan finds the member before the erasure (so an empty result afterwards means something)
    expect(await rawScan(leaks)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^loyalty\.members /),
        expect.stringMatching(/^marketing\.walk_in_guests /),
      ]),
    );

    // a Manager may not erase anyone
    const refused = await compliance(
      ERASE,
      { input: { memberId, reason: 'Member asked in writing' } },
      IDENTITIES.Manager,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const erased = await compliance<{ eraseMember: ErasureRequestView }>(
      ERASE,
      { input: { memberId, reason: 'Member asked in writing', requestReference: 'DPO-2026-0042' } },
      IDENTITIES.GeneralAdmin,
    );
    expect(erased.errors).toBeUndefined();
    const request = erased.data!.eraseMember;
    expect(request).toMatchObject({
      memberId,
      status: 'completed',
      attempts: 1,
      failedSubgraphs: [],
      requestedByUsername: IDENTITIES.GeneralAdmin.username,
      completedAt: expect.any(String),
    });
    expect(request.steps.map((s) => `${s.subgraph}:${s.status}`)).toEqual([
      'loyalty:completed',
      'marketing:completed',
      'gaming:completed',
      'compliance:completed',
    ]);
    const marketingCounts = Object.fromEntries(request.steps[1]!.counts.map((c) => [c.name, c.count]));
    expect(marketingCounts).toMatchObject({ analyticsDeleted: 1, guestsAnonymised: 1 });
    expect(marketingCounts.notificationsAnonymised).toBeGreaterThan(0);

    // (a) no role's queries of the member, the guest, the notifications or the analytics show any value
    for (const role of ROLES) {
      for (const [query, variables] of [
        [MEMBER, { id: memberId }],
        [MEMBER_MARKETING, { id: memberId }],
        [GUEST, { id: guestId }],
      ] as const) {
        const response: GraphQLResponse<unknown> = await stack.query(query, variables, {
          as: IDENTITIES[role],
        });
        expect({
          role,
          leaks: leaks(JSON.stringify({ data: response.data, errors: response.errors })),
        }).toEqual({
          role,
          leaks: [],
        });
      }
    }
    const afterMember = await stack.query<{ member: Record<string, unknown> }>(
      MEMBER,
      { id: memberId },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(afterMember.data!.member).toMatchObject({
      firstName: 'Erased',
      lastName: 'Member',
      email: `erased-${memberId}@erased.invalid`,
      nicPassport: null,
      isActive: false,
      marketingConsent: false,
      walkInVisits: [
        { id: guestId, firstName: 'Erased', idDocument: null, phone: null, email: null, notes: null },
      ],
    });
    const afterMarketing = await stack.query<{
      customerAnalytics: unknown;
      notifications: { totalCount: number; edges: { node: { title: string } }[] };
    }>(MEMBER_MARKETING, { id: memberId }, { as: IDENTITIES.SuperAdmin });
    expect(afterMarketing.data!.customerAnalytics).toBeNull();
    expect(afterMarketing.data!.notifications.totalCount).toBeGreaterThan(0);
    expect(afterMarketing.data!.notifications.edges.every((e) => e.node.title === '[erased]')).toBe(true);

    // (b) a raw scan of every collection of every subgraph's database
    await auditDelivered();
    expect(await rawScan(leaks)).toEqual([]);

    // (c) the ledger still adds up and the sessions are still there under the member id
    const ledgerAfter = await stack.query<{
      memberLedgerCheck: { consistent: boolean; pointsBalance: number; pointsLedgerSum: number };
      gamingSessions: { totalCount: number };
    }>(LEDGER, { id: memberId }, { as: IDENTITIES.GeneralAdmin });
    expect(ledgerAfter.errors).toBeUndefined();
    expect(ledgerAfter.data!.memberLedgerCheck).toMatchObject({
      consistent: true,
      pointsBalance: ledgerBefore.data!.memberLedgerCheck.pointsBalance,
    });
    expect(ledgerAfter.data!.gamingSessions.totalCount).toBe(ledgerBefore.data!.gamingSessions.totalCount);

    // (d) a second eraseMember is harmless: the same request, one more attempt, the member still erased
    const again = await compliance<{ eraseMember: ErasureRequestView }>(
      ERASE,
      { input: { memberId, reason: 'Member asked in writing' } },
      IDENTITIES.GeneralAdmin,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.eraseMember).toMatchObject({ id: request.id, status: 'completed', attempts: 2 });
    const stillErased = await stack.query<{ member: { firstName: string } }>(
      MEMBER,
      { id: memberId },
      { as: IDENTITIES.SuperAdmin },
    );
    expect(stillErased.data!.member.firstName).toBe('Erased');

    // (e) the request is recorded with its requester and completion time, and the audit trail has it
    const listed = await compliance<{ erasureRequests: { edges: { node: ErasureRequestView }[] } }>(
      REQUESTS,
      {},
      IDENTITIES.GeneralAdmin,
    );
    expect(listed.errors).toBeUndefined();
    const recorded = listed.data!.erasureRequests.edges.find((e) => e.node.id === request.id)?.node;
    expect(recorded).toMatchObject({
      memberId,
      requestedByUsername: IDENTITIES.GeneralAdmin.username,
      completedAt: expect.any(String),
      status: 'completed',
    });
    const audit = await eventually(
      () =>
        stack.query<{
          auditLogs: { edges: { node: { action: string; outcome: string; changes: unknown } }[] };
        }>(AUDIT, { action: 'eraseMember' }, { as: IDENTITIES.GeneralAdmin }),
      (response) => (response.data?.auditLogs.edges ?? []).length >= 3,
    );
    expect(audit.errors).toBeUndefined();
    const outcomes = audit.data!.auditLogs.edges.map((e) => e.node.outcome).sort();
    expect(outcomes).toEqual(['allowed', 'allowed', 'denied']);
    expect(leaks(JSON.stringify(audit.data))).toEqual([]);
  });
});
