import type { FieldProtector } from '@casino/crypto';
import { toMoney } from '@casino/mongo';
import { marketingSubgraph } from '../index';
import { startSubgraphHarness } from '@casino/testing';
import { AS } from '../testing/identities';
import type { SubgraphHarness } from '@casino/testing';
import type { WalkInGuestDocument } from './guest-store';
import { protectIdDocument, WALK_IN_GUESTS } from './guest-store';

const DAY = 86_400_000;
const now = new Date('2026-03-01T12:00:00.000Z');

/** The harness's protector: guests' identity documents are stored sealed, as the service stores them. */
let protector: FieldProtector;

function guest(i: number, overrides: Partial<WalkInGuestDocument> = {}): WalkInGuestDocument {
  const entry = new Date(now.getTime() - i * DAY);
  const guestId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    id: guestId,
    first_name: `Guest${i}`,
    last_name: 'Walker',
    phone: null,
    email: null,
    nationality: 'India',
    ...protectIdDocument(protector, guestId, `DOC${1000 + i}`),
    visit_date: entry,
    entry_time: entry,
    exit_time: new Date(entry.getTime() + 3_600_000),
    spend_amount: toMoney('120.50'),
    games_played: ['Roulette'],
    services_used: [],
    converted_to_member: i % 3 === 0,
    converted_member_id: i % 3 === 0 ? `member-${i}` : null,
    follow_up_required: i % 2 === 0,
    notes: null,
    marketing_consent: true,
    ...overrides,
  };
}

const LIST = /* GraphQL */ `
  query Guests($filter: WalkInGuestFilter, $first: Int, $after: String) {
    walkInGuests(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          visitDate
          convertedToMember
          convertedMember {
            id
          }
          idDocument
          spendAmount
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
      totalCount
    }
  }
`;

interface GuestPage {
  walkInGuests: {
    edges: {
      cursor: string;
      node: { id: string; visitDate: string; convertedMember: { id: string } | null };
    }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

describe('walkInGuests and WalkInGuest', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    protector = harness.protector!;
    await harness.db.collection(WALK_IN_GUESTS).insertMany(Array.from({ length: 10 }, (_, i) => guest(i)));
  });
  afterAll(() => harness.close());

  it('pages through visits, most recent first, with after', async () => {
    const first = await harness.execute<GuestPage>(LIST, { first: 4 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.walkInGuests;
    expect(page1.totalCount).toBe(10);
    expect(page1.edges.map((e) => e.node.id.slice(-2))).toEqual(['00', '01', '02', '03']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const second = await harness.execute<GuestPage>(LIST, { first: 4, after: page1.pageInfo.endCursor });
    const page2 = second.data!.walkInGuests;
    expect(page2.edges.map((e) => e.node.id.slice(-2))).toEqual(['04', '05', '06', '07']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const third = await harness.execute<GuestPage>(LIST, { first: 4, after: page2.pageInfo.endCursor });
    expect(third.data!.walkInGuests.edges).toHaveLength(2);
    expect(third.data!.walkInGuests.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by visit period, conversion and follow-up', async () => {
    const period = await harness.execute<GuestPage>(LIST, {
      filter: {
        visitFrom: new Date(now.getTime() - 3 * DAY).toISOString(),
        visitTo: new Date(now.getTime() - 1 * DAY + 1).toISOString(),
      },
    });
    expect(period.data!.walkInGuests.edges.map((e) => e.node.id.slice(-2))).toEqual(['01', '02', '03']);

    const converted = await harness.execute<GuestPage>(LIST, { filter: { convertedToMember: true } });
    const nodes = converted.data!.walkInGuests.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id.slice(-2))).toEqual(['00', '03', '06', '09']);
    expect(nodes.map((n) => n.convertedMember?.id)).toEqual(['member-0', 'member-3', 'member-6', 'member-9']);

    const both = await harness.execute<GuestPage>(LIST, {
      filter: { convertedToMember: false, followUpRequired: true },
    });
    expect(both.data!.walkInGuests.edges.map((e) => e.node.id.slice(-2))).toEqual(['02', '04', '08']);
  });

  it('rejects a cursor it did not issue', async () => {
    const result = await harness.execute(LIST, { after: 'garbage' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('resolves a guest by id and as an entity, masking the document for a Manager', async () => {
    const id = guest(3).id;
    const single = await harness.execute<{ walkInGuest: Record<string, unknown> }>(
      `query($id: ID!) { walkInGuest(id: $id) { id idDocument spendAmount convertedMember { id } } }`,
      { id },
      { identity: AS.gamingManager },
    );
    expect(single.data!.walkInGuest).toEqual({
      id,
      idDocument: '****1003',
      spendAmount: '120.50',
      convertedMember: { id: 'member-3' },
    });
    const entities = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on WalkInGuest { id firstName exitTime } } }`,
      {
        r: [
          { __typename: 'WalkInGuest', id },
          { __typename: 'WalkInGuest', id: 'missing' },
        ],
      },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([
      { id, firstName: 'Guest3', exitTime: new Date(now.getTime() - 3 * DAY + 3_600_000).toISOString() },
      null,
    ]);
    const missing = await harness.execute<{ walkInGuest: unknown }>(`{ walkInGuest(id: "nope") { id } }`);
    expect(missing.data!.walkInGuest).toBeNull();
  });
});
