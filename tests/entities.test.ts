import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { SUBGRAPH_NAMES } from '../scripts/stack';
import type { SubgraphName } from '../scripts/stack';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** Where each entity's documents live: the owning subgraph and collection. */
const OWNERS: Record<string, [SubgraphName, string]> = {
  Member: ['loyalty', 'members'],
  Reward: ['loyalty', 'rewards'],
  RewardRedemption: ['loyalty', 'reward_redemptions'],
  PointsLedgerEntry: ['loyalty', 'points_ledger'],
  GameType: ['gaming', 'game_types'],
  GamingSession: ['gaming', 'gaming_sessions'],
  GamingPackage: ['gaming', 'gaming_packages'],
  StaffMember: ['workforce', 'staff_members'],
  TrainingCourse: ['workforce', 'training_courses'],
  TrainingRecord: ['workforce', 'training_records'],
  PerformanceReview: ['workforce', 'performance_reviews'],
  MarketingCampaign: ['marketing', 'marketing_campaigns'],
  CustomerAnalytics: ['marketing', 'customer_analytics'],
  WalkInGuest: ['marketing', 'walk_in_guests'],
  Notification: ['marketing', 'notifications'],
  NotificationTemplate: ['marketing', 'notification_templates'],
  AdminUser: ['compliance', 'admin_users'],
  AuditLog: ['compliance', 'audit_logs'],
  ComplianceReport: ['compliance', 'compliance_reports'],
  DataRetentionPolicy: ['compliance', 'data_retention_policies'],
};

/** What a subgraph that extends an entity adds, selected to prove its reference resolver works. */
const EXTENSION_SELECTIONS: Record<string, string> = {
  'gaming.Member': 'playStats { sessionCount }',
  'marketing.Member': 'segments analytics { id }',
  'compliance.Member': 'complianceStatus { kycVerified selfExcluded }',
  'compliance.StaffMember': 'adminAccount { id }',
};

/** Fields a subgraph @requires, which the gateway would put in the representation. */
const REQUIRED_FIELDS: Record<string, string[]> = {
  'compliance.Member': ['kyc_verified', 'self_excluded'],
};

const toCamel = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function resolvableKeys(): { subgraph: SubgraphName; typename: string }[] {
  return SUBGRAPH_NAMES.flatMap((subgraph) => {
    const sdl = readFileSync(path.join(__dirname, '..', 'subgraphs', subgraph, 'schema.graphql'), 'utf8');
    return [...sdl.matchAll(/^type (\w+) @key\(fields: "id"(, resolvable: false)?\)/gm)]
      .filter((match) => !match[2])
      .map((match) => ({ subgraph, typename: match[1]! }));
  });
}

const KEYS = resolvableKeys();

describe('_entities for every @key of every subgraph', () => {
  let stack: TestStack;
  let client: MongoClient;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 25 });
    client = await MongoClient.connect(stack.mongoUri);
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  it('knows the owner of every entity type declared with a resolvable key', () => {
    expect(KEYS.length).toBeGreaterThanOrEqual(24);
    expect(KEYS.filter(({ typename }) => !OWNERS[typename])).toEqual([]);
  });

  it.each(
    KEYS.map(({ subgraph, typename }) => [`${subgraph} resolves ${typename}`, subgraph, typename] as const),
  )('%s', async (_label, subgraph, typename) => {
    const [owner, collection] = OWNERS[typename]!;
    const document = await client
      .db(stack.databases[owner])
      .collection(collection)
      .findOne({}, { projection: { _id: 0 } });
    expect(document).not.toBeNull();
    const id = String(document!.id);
    const representation: Record<string, unknown> = { __typename: typename, id };
    for (const field of REQUIRED_FIELDS[`${subgraph}.${typename}`] ?? []) {
      representation[toCamel(field)] = document![field];
    }
    const extra = EXTENSION_SELECTIONS[`${subgraph}.${typename}`] ?? '';
    const result = await stack.query<{ _entities: ({ id: string } | null)[] }>(
      `query ($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on ${typename} { id ${extra} } }
        }`,
      {
        representations: [
          representation,
          {
            __typename: typename,
            id: '00000000-0000-4000-8000-000000000000',
            ...Object.fromEntries(
              Object.entries(representation).filter(([k]) => k !== 'id' && k !== '__typename'),
            ),
          },
        ],
      },
      { url: stack.subgraphs[subgraph].url, signedAs: IDENTITIES.SuperAdmin },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities[0]).toMatchObject({ id });
    if (owner === subgraph) expect(result.data!._entities[1]).toBeNull();
  });
});
