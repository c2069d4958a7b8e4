import { randomUUID } from 'node:crypto';
import { BSON } from 'mongodb';
import { complianceSubgraph } from '@casino/compliance';
import { gamingSubgraph } from '@casino/gaming';
import { loyaltySubgraph } from '@casino/loyalty';
import { marketingSubgraph } from '@casino/marketing';
import { workforceSubgraph } from '@casino/workforce';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

/**
 * An `after` cursor is exactly [sort value, id]: the sort value of the type of the connection's sort field,
 * the id a UUID. Anything else (a Mongo operator, another type, another shape) is BAD_USER_INPUT on `after`
 * and never becomes a query.
 */

const encode = (value: unknown) =>
  Buffer.from(BSON.EJSON.stringify(value, { relaxed: false })).toString('base64url');
const rawCursor = (json: string) => Buffer.from(json).toString('base64url');

const ID = '5d0e6f8a-1b2c-4d3e-8f40-a1b2c3d4e5f6';
const WHEN = new Date('2025-06-01T00:00:00.000Z');

/** Cursors no connection ever hands out, whatever its sort type. */
const MALFORMED: [string, string][] = [
  // the attack seen: a Mongo operator where the sort value goes
  ['the $ne operator in place of the sort value', rawCursor('[{"$ne": null}, "zzzz"]')],
  ['the $ne operator with a well-formed id', rawCursor(`[{"$ne": null}, "${ID}"]`)],
  ['an operator in place of the id', encode([WHEN, { $gt: '' }])],
  ['an id that is not a UUID', encode([WHEN, 'zzzz'])],
  ['text that is not base64', '%%% not a cursor %%%'],
  ['base64 of something that is not JSON', Buffer.from('hello there').toString('base64url')],
  ['one element', encode([WHEN])],
  ['three elements', encode([WHEN, ID, ID])],
  ['an object instead of a pair', rawCursor(`{"0": {"$date": "2025-06-01T00:00:00Z"}, "1": "${ID}"}`)],
  ['an array in place of the sort value', encode([[WHEN], ID])],
  ['null in place of the sort value', encode([null, ID])],
  ['a regular expression in place of the sort value', encode([/./, ID])],
];

interface ConnectionCase {
  subgraph: string;
  /** The list query, selecting `pageInfo { endCursor } edges { node { id } }` with `$first` and `$after` */
  query: string;
  field: string;
  /** What the sort field holds, and a cursor carrying another type (a valid cursor for other connections) */
  sortType: string;
  wrongType: string;
  harness: () => SubgraphHarness;
  /** Stores three nodes to page through */
  fill: (harness: SubgraphHarness) => Promise<void>;
}

const list = (field: string, args = '') => /* GraphQL */ `
  query Page($first: Int, $after: String) {
    ${field}(first: $first, after: $after${args}) {
      pageInfo { endCursor hasNextPage }
      edges { cursor node { id } }
    }
  }
`;

const days = (n: number) => new Date(WHEN.getTime() + n * 86_400_000);

describe('after cursors', () => {
  const harnesses: Record<string, SubgraphHarness> = {};
  beforeAll(async () => {
    const definitions = {
      loyalty: loyaltySubgraph,
      gaming: gamingSubgraph,
      workforce: workforceSubgraph,
      marketing: marketingSubgraph,
      compliance: complianceSubgraph,
    };
    await Promise.all(
      Object.entries(definitions).map(async ([name, definition]) => {
        harnesses[name] = await startSubgraphHarness(definition as never);
      }),
    );
  });
  afterAll(() => Promise.all(Object.values(harnesses).map((h) => h.close())));

  const cases: ConnectionCase[] = [
    {
      subgraph: 'loyalty',
      query: list('rewards'),
      field: 'rewards',
      sortType: 'date (created_at)',
      wrongType: encode(['2025-06-01T00:00:00.000Z', ID]),
      harness: () => harnesses.loyalty!,
      fill: async (h) => {
        await h.db.collection('rewards').insertMany(
          [1, 2, 3].map((n) => ({
            id: randomUUID(),
            name: `Reward ${n}`,
            description: '',
            category: 'dining',
            points_required: 100,
            cash_value: BSON.Decimal128.fromString('10.00'),
            tier_access: ['Ruby'],
            stock_quantity: null,
            is_active: true,
            created_at: days(n),
          })),
        );
      },
    },
    {
      subgraph: 'gaming',
      query: list('gameTypes'),
      field: 'gameTypes',
      sortType: 'string (code)',
      wrongType: encode([WHEN, ID]),
      harness: () => harnesses.gaming!,
      fill: async (h) => {
        await h.db.collection('game_types').deleteMany({});
        await h.db.collection('game_types').insertMany(
          ['BAC', 'BJ', 'RO'].map((code) => ({
            id: randomUUID(),
            code,
            name: code,
            kind: 'table',
            house_edge: 0.02,
            decisions_per_hour: 60,
            is_active: true,
            created_at: WHEN,
          })),
        );
      },
    },
    {
      subgraph: 'workforce',
      query: list('trainingCourses'),
      field: 'trainingCourses',
      sortType: 'date (created_at)',
      wrongType: encode([1_717_200_000_000, ID]),
      harness: () => harnesses.workforce!,
      fill: async (h) => {
        for (const name of ['Fire Safety', 'First Aid', 'Card Handling']) {
          const created = await h.execute(
            /* GraphQL */ `
              mutation ($input: CreateTrainingCourseInput!) {
                createTrainingCourse(input: $input) {
                  id
                }
              }
            `,
            {
              input: { courseName: name, category: 'safety', difficultyLevel: 'beginner', durationHours: 1 },
            },
          );
          expect(created.errors).toBeUndefined();
        }
      },
    },
    {
      subgraph: 'marketing',
      query: list('marketingCampaigns'),
      field: 'marketingCampaigns',
      sortType: 'date (start_date)',
      wrongType: encode([BSON.Decimal128.fromString('1.5'), ID]),
      harness: () => harnesses.marketing!,
      fill: async (h) => {
        await h.db.collection('marketing_campaigns').insertMany(
          [1, 2, 3].map((n) => ({
            id: randomUUID(),
            name: `Campaign ${n}`,
            description: '',
            campaign_type: 'promotion',
            target_audience: [],
            start_date: days(n),
            end_date: days(n + 30),
            budget: BSON.Decimal128.fromString('100.00'),
            estimated_reach: 0,
            status: 'draft',
            department: null,
            created_by: null,
            created_at: days(n),
          })),
        );
      },
    },
    {
      subgraph: 'compliance',
      query: list('auditLogs'),
      field: 'auditLogs',
      sortType: 'date (timestamp)',
      wrongType: encode([true, ID]),
      harness: () => harnesses.compliance!,
      fill: async (h) => {
        await h.db.collection('audit_logs').insertMany(
          [1, 2, 3].map((n) => ({
            id: randomUUID(),
            timestamp: days(n),
            admin_user_id: null,
            username: null,
            role: null,
            service: 'loyalty',
            action: 'test',
            target_type: null,
            target_id: null,
            changes: null,
            request_id: null,
            client_name: null,
            ip: null,
            outcome: 'success',
          })),
        );
      },
    },
  ];

  type Page = Record<
    string,
    { pageInfo: { endCursor: string | null; hasNextPage: boolean }; edges: { node: { id: string } }[] }
  >;

  describe.each(cases)('$subgraph $field, sorted by a $sortType', (c) => {
    beforeAll(() => c.fill(c.harness()));

    it('pages through with the cursors it hands out', async () => {
      const first = await c.harness().execute<Page>(c.query, { first: 2 });
      expect(first.errors).toBeUndefined();
      const page1 = first.data![c.field]!;
      expect(page1.edges).toHaveLength(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const second = await c.harness().execute<Page>(c.query, { first: 2, after: page1.pageInfo.endCursor });
      expect(second.errors).toBeUndefined();
      const page2 = second.data![c.field]!;
      expect(page2.edges).toHaveLength(1);
      expect(page1.edges.map((e) => e.node.id)).not.toContain(page2.edges[0]!.node.id);
    });

    it.each([...MALFORMED, ['a sort value of another type', c.wrongType] as [string, string]])(
      'refuses %s with BAD_USER_INPUT on after, without querying',
      async (_, after) => {
        const result = await c.harness().execute(c.query, { first: 2, after });
        expect(result.errors).toHaveLength(1);
        expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
        expect(result.errors![0]!.message).toBe('after: is not a cursor returned by this connection');
        expect(result.data ?? null).toBeNull();
        expect(result.commands).not.toContain('find');
      },
    );
  });
});
