import { randomUUID } from 'node:crypto';
import { servicesAllowedBy } from '@casino/auth';
import type { Identity, RuleTree } from '@casino/auth';
import type { BaseContext } from '@apollo/server';
import { SERVICE_NAMES } from '@casino/server';
import type { RequestBase, SubgraphDefinition } from '@casino/server';
import { SUBGRAPH_DEFINITIONS, SUBGRAPH_NAMES } from '../scripts/stack';
import type { SubgraphName } from '../scripts/stack';
import { TEST_SUPERADMIN, startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

/**
 * Least privilege between services: every operation a service identity may call names the services that
 * really call it (PRODUCT.md §4). Each row is one such operation with its callers as found in the callers'
 * code; the test calls it as every service identity, a SuperAdmin and an anonymous caller. Its callers are
 * let through (the resolver runs: it reaches MongoDB, and no FORBIDDEN/UNAUTHENTICATED); everyone else is
 * refused with no data and no effect (not one MongoDB command is sent).
 */
interface ServiceOperation {
  subgraph: SubgraphName;
  field: `${'Query' | 'Mutation'}.${string}`;
  /** The services that call it (their code sends this operation) */
  callers: string[];
  /** Also open to admins (SuperAdmin here); otherwise service-only */
  admins?: boolean;
  document: string;
  variables?: (caller: Identity) => Record<string, unknown>;
}

const NOW = '2026-06-01T00:00:00.000Z';
const RANGE = { from: '2026-05-01T00:00:00.000Z', to: NOW };
const retentionInput = () => ({
  input: {
    archiveAfterDays: 30,
    retentionPeriodDays: 365,
    autoDelete: false,
    exceptions: [],
    batchSize: 10,
    now: NOW,
  },
});
const reseal = (field: string) => `mutation { ${field}(batchSize: 10) { collection resealed } }`;
const serviceName = (identity: Identity) => (identity.kind === 'service' ? identity.service : 'gaming');

const OPERATIONS: ServiceOperation[] = [
  // loyalty
  {
    subgraph: 'loyalty',
    field: 'Query.member',
    callers: ['compliance', 'gaming', 'marketing'],
    admins: true,
    document: `query ($id: ID!) { member(id: $id) { id } }`,
    variables: () => ({ id: randomUUID() }),
  },
  {
    subgraph: 'loyalty',
    field: 'Query.complianceMemberCounts',
    callers: ['compliance'],
    document: `{ complianceMemberCounts { memberCount } }`,
  },
  {
    subgraph: 'loyalty',
    field: 'Query.selfExcludedMemberIds',
    callers: ['compliance'],
    document: `{ selfExcludedMemberIds }`,
  },
  {
    subgraph: 'loyalty',
    field: 'Query.selfExclusionsInEffect',
    callers: ['compliance'],
    document: `query ($from: DateTime!, $to: DateTime!) { selfExclusionsInEffect(from: $from, to: $to) { memberId } }`,
    variables: () => RANGE,
  },
  {
    subgraph: 'loyalty',
    field: 'Query.membersWithExpiringDocuments',
    callers: ['compliance'],
    document: `query ($before: DateTime!) {
      membersWithExpiringDocuments(before: $before, first: 10) { hasNextPage }
    }`,
    variables: () => ({ before: NOW }),
  },
  {
    subgraph: 'loyalty',
    field: 'Mutation.creditGamingSession',
    callers: ['gaming'],
    document: `mutation ($input: CreditGamingSessionInput!) { creditGamingSession(input: $input) { points } }`,
    variables: () => ({
      input: { memberId: randomUUID(), sessionId: randomUUID(), theo: '10.00', pointsRate: 1, endedAt: NOW },
    }),
  },
  {
    subgraph: 'loyalty',
    field: 'Mutation.registerMemberFromWalkIn',
    callers: ['marketing'],
    document: `mutation ($walkInGuestId: ID!, $input: RegisterMemberInput!) {
      registerMemberFromWalkIn(walkInGuestId: $walkInGuestId, input: $input) { id }
    }`,
    variables: () => ({
      walkInGuestId: randomUUID(),
      input: {
        firstName: 'Walk',
        lastName: 'In',
        email: `walk-in-${randomUUID()}@example.com`,
        phone: '+94770000001',
        dateOfBirth: '1990-01-01T00:00:00.000Z',
        nationality: 'Sri Lanka',
        nicPassport: `W${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`,
      },
    }),
  },
  {
    subgraph: 'loyalty',
    field: 'Mutation.resealLoyaltyProtectedFields',
    callers: ['compliance'],
    document: reseal('resealLoyaltyProtectedFields'),
  },
  {
    subgraph: 'loyalty',
    field: 'Mutation.eraseLoyaltyMemberData',
    callers: ['compliance'],
    document: `mutation ($memberId: ID!) { eraseLoyaltyMemberData(memberId: $memberId) { membersAnonymised } }`,
    variables: () => ({ memberId: randomUUID() }),
  },
  {
    subgraph: 'loyalty',
    field: 'Mutation.applyLoyaltyRetention',
    callers: ['compliance'],
    document: `mutation ($input: LoyaltyRetentionInput!) { applyLoyaltyRetention(input: $input) { archived } }`,
    variables: retentionInput,
  },
  // gaming
  {
    subgraph: 'gaming',
    field: 'Query.amlCashSummary',
    callers: ['compliance'],
    admins: true,
    document: `query ($from: DateTime!, $to: DateTime!) {
      amlCashSummary(from: $from, to: $to, dayStartHour: 6) { memberId }
    }`,
    variables: () => RANGE,
  },
  {
    subgraph: 'gaming',
    field: 'Query.complianceCashCounts',
    callers: ['compliance'],
    document: `query ($from: DateTime!, $to: DateTime!) {
      complianceCashCounts(from: $from, to: $to, dayStartHour: 6, ctrThreshold: "10000.00", mtlThreshold: "3000.00") {
        ctrCount
      }
    }`,
    variables: () => RANGE,
  },
  {
    subgraph: 'gaming',
    field: 'Query.compliancePlayVolumes',
    callers: ['compliance'],
    document: `query ($from: DateTime!, $to: DateTime!) {
      compliancePlayVolumes(from: $from, to: $to, minBuyIn: "1000.00") { memberId }
    }`,
    variables: () => RANGE,
  },
  {
    subgraph: 'gaming',
    field: 'Query.responsibleGamingSummary',
    callers: ['compliance'],
    document: `query ($from: DateTime!, $to: DateTime!) {
      responsibleGamingSummary(
        from: $from
        to: $to
        dayStartHour: 6
        longSessionMinutes: 240
        largeLoss: "5000.00"
        watchMemberIds: []
        asOf: $to
      ) { sessionCount }
    }`,
    variables: () => RANGE,
  },
  {
    subgraph: 'gaming',
    field: 'Query.memberPlayProfiles',
    callers: ['marketing'],
    document: `query ($window: DateRangeInput!) {
      memberPlayProfiles(window: $window, first: 10, longSessionMinutes: 240, topGames: 3) { hasNextPage }
    }`,
    variables: () => ({ window: RANGE }),
  },
  {
    subgraph: 'gaming',
    field: 'Query.membersTheo',
    callers: ['loyalty'],
    document: `query ($ids: [ID!]!, $window: DateRangeInput!) { membersTheo(memberIds: $ids, window: $window) { memberId theo } }`,
    variables: () => ({ ids: [randomUUID()], window: RANGE }),
  },
  {
    subgraph: 'gaming',
    field: 'Query.gamingSessionForCredit',
    callers: ['loyalty'],
    document: `query ($id: ID!) { gamingSessionForCredit(id: $id) { id theo } }`,
    variables: () => ({ id: randomUUID() }),
  },
  {
    subgraph: 'gaming',
    field: 'Mutation.applyGamingRetention',
    callers: ['compliance'],
    document: `mutation ($input: GamingRetentionInput!) { applyGamingRetention(input: $input) { archived } }`,
    variables: retentionInput,
  },
  {
    subgraph: 'gaming',
    field: 'Mutation.eraseGamingMemberData',
    callers: ['compliance'],
    document: `mutation ($memberId: ID!) { eraseGamingMemberData(memberId: $memberId) { sessionsKept } }`,
    variables: () => ({ memberId: randomUUID() }),
  },
  // workforce
  {
    subgraph: 'workforce',
    field: 'Mutation.resealWorkforceProtectedFields',
    callers: ['compliance'],
    document: reseal('resealWorkforceProtectedFields'),
  },
  {
    subgraph: 'workforce',
    field: 'Query.hostCandidate',
    callers: ['loyalty'],
    document: `query ($id: ID!) { hostCandidate(id: $id) { id active department } }`,
    variables: () => ({ id: randomUUID() }),
  },
  // marketing
  {
    subgraph: 'marketing',
    field: 'Mutation.resealMarketingProtectedFields',
    callers: ['compliance'],
    document: reseal('resealMarketingProtectedFields'),
  },
  {
    subgraph: 'marketing',
    field: 'Mutation.eraseMarketingMemberData',
    callers: ['compliance'],
    document: `mutation ($memberId: ID!) { eraseMarketingMemberData(memberId: $memberId) { analyticsDeleted } }`,
    variables: () => ({ memberId: randomUUID() }),
  },
  {
    subgraph: 'marketing',
    field: 'Mutation.applyMarketingRetention',
    callers: ['compliance'],
    document: `mutation ($input: MarketingRetentionInput!) { applyMarketingRetention(input: $input) { archived } }`,
    variables: retentionInput,
  },
  // compliance
  {
    subgraph: 'compliance',
    field: 'Mutation.recordAuditEvents',
    // every subgraph but compliance, which writes its own trail straight into its store
    callers: ['gaming', 'loyalty', 'marketing', 'workforce'],
    document: `mutation ($events: [AuditEventInput!]!) { recordAuditEvents(events: $events) }`,
    // each caller sends events in its own name (an event naming another service is refused on its own)
    variables: (caller) => ({
      events: [
        {
          id: randomUUID(),
          timestamp: NOW,
          service: serviceName(caller),
          action: 'registerMember',
          outcome: 'allowed',
        },
      ],
    }),
  },
  {
    subgraph: 'compliance',
    field: 'Query.revokedSessions',
    // the gateway, and each subgraph when it checks access tokens itself behind a router
    callers: ['gateway', 'gaming', 'loyalty', 'marketing', 'workforce'],
    document: `query ($since: DateTime!) { revokedSessions(since: $since) { sessionId } }`,
    variables: () => ({ since: '2026-01-01T00:00:00.000Z' }),
  },
];

/** Every Query and Mutation field whose rule lets a service identity in, with the services it names. */
function serviceFieldsOf(subgraph: SubgraphName): { field: string; services: string[] }[] {
  const tree = SUBGRAPH_DEFINITIONS[subgraph].rules as Record<string, RuleTree>;
  const found: { field: string; services: string[] }[] = [];
  for (const type of ['Query', 'Mutation'] as const) {
    for (const [field, rule] of Object.entries((tree[type] ?? {}) as Record<string, unknown>)) {
      const services = servicesAllowedBy(rule);
      if (services.length > 0) found.push({ field: `${type}.${field}`, services });
    }
  }
  return found;
}

/** Each service identity that exists or that any rule names, a SuperAdmin, and nobody. */
const SERVICE_IDENTITIES = [
  ...new Set([...SERVICE_NAMES, ...OPERATIONS.flatMap((operation) => operation.callers)]),
].sort();
const IDENTITIES: [string, Identity][] = [
  ...SERVICE_IDENTITIES.map((service): [string, Identity] => [
    `the ${service} service`,
    { kind: 'service', service },
  ]),
  ['a SuperAdmin', TEST_SUPERADMIN],
  ['an anonymous caller', { kind: 'anonymous' }],
];

const DENIALS = ['FORBIDDEN', 'UNAUTHENTICATED'];

describe('least privilege between services', () => {
  it('has a row for every field a rule opens to services, naming exactly the services the rule names', () => {
    const fromRules = SUBGRAPH_NAMES.flatMap((subgraph) =>
      serviceFieldsOf(subgraph).map(({ field, services }) => `${subgraph} ${field}: ${services.join(',')}`),
    ).sort();
    const fromTable = OPERATIONS.map(
      ({ subgraph, field, callers }) => `${subgraph} ${field}: ${[...callers].sort().join(',')}`,
    ).sort();
    expect(fromRules).toEqual(fromTable);
    // no rule may say "any service": each leaves out at least one subgraph
    for (const { callers, field } of OPERATIONS) {
      const all = SERVICE_NAMES.every((name) => callers.includes(name));
      expect({ field, all }).toEqual({ field, all: false });
    }
  });

  const harnesses = new Map<SubgraphName, SubgraphHarness>();
  beforeAll(async () => {
    for (const subgraph of new Set(OPERATIONS.map((operation) => operation.subgraph))) {
      const definition: SubgraphDefinition<BaseContext & RequestBase, unknown> =
        SUBGRAPH_DEFINITIONS[subgraph];
      harnesses.set(subgraph, await startSubgraphHarness(definition));
    }
  }, 120_000);
  afterAll(async () => {
    for (const harness of harnesses.values()) await harness.close();
  });

  describe.each(OPERATIONS.map((operation) => [`${operation.subgraph} ${operation.field}`, operation]))(
    '%s',
    (_, operation) => {
      const [, fieldName] = operation.field.split('.') as [string, string];
      const allowed = (identity: Identity) =>
        identity.kind === 'service'
          ? operation.callers.includes(identity.service)
          : identity.kind === 'admin' && operation.admins === true;

      it.each(IDENTITIES)('as %s', async (_, identity) => {
        const harness = harnesses.get(operation.subgraph)!;
        const result = await harness.execute<Record<string, unknown>>(
          operation.document,
          operation.variables?.(identity) ?? {},
          { identity },
        );
        const codes = (result.errors ?? []).map((error) => error.extensions?.code);
        if (allowed(identity)) {
          // let through: the resolver ran (it asked MongoDB) and nothing refused the caller
          expect(codes.filter((code) => DENIALS.includes(String(code)))).toEqual([]);
          expect(result.commands.length).toBeGreaterThan(0);
          return;
        }
        expect(codes).toEqual([identity.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
        expect(result.data?.[fieldName] ?? null).toBeNull();
        // refused before the resolver: not one command reached the database, so nothing was read or written
        expect(result.commands).toEqual([]);
      });
    },
  );
});
