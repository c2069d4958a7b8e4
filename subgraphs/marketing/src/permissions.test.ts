import { isObjectType } from 'graphql';
import type { Identity } from '@casino/auth';
import type { FieldProtector } from '@casino/crypto';
import { toMoney } from '@casino/mongo';
import { buildSecuredSubgraphSchema } from '@casino/server';
import { marketingSubgraph } from './index';
import { rules } from './permissions';
import { AS } from './testing/identities';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { MARKETING_CAMPAIGNS } from './campaigns/campaign-store';
import type { WalkInGuestDocument } from './guests/guest-store';
import { protectIdDocument, WALK_IN_GUESTS } from './guests/guest-store';
import { NOTIFICATION_TEMPLATES } from './templates/template-store';

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const codeOf = (result: Result) => result.errors?.[0]?.extensions?.code;

const ADMINS: [string, Identity][] = [
  ['SuperAdmin', AS.superAdmin],
  ['GeneralAdmin', AS.generalAdmin],
  ['Manager of Gaming', AS.gamingManager],
  ['Supervisor of Gaming', AS.gamingSupervisor],
  ['Manager of F&B', AS.fbManager],
];

describe('the rule tree', () => {
  it('names every object type of the schema and every Query and Mutation field explicitly', () => {
    // building it also has graphql-shield check that every rule names a type and field that exist
    const schema = buildSecuredSubgraphSchema(marketingSubgraph);
    const tree = rules as Record<string, unknown>;
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('_')) continue;
      if (!(type.name in tree)) {
        missing.push(type.name);
        continue;
      }
      if (type.name === 'Query' || type.name === 'Mutation') {
        const fields = tree[type.name] as Record<string, unknown>;
        for (const field of Object.keys(type.getFields())) {
          if (!field.startsWith('_') && !(field in fields)) missing.push(`${type.name}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

const guestId = (i: number) => `30000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The harness's protector: guests' identity documents are stored sealed, as the service stores them. */
let protector: FieldProtector;

function guest(i: number): WalkInGuestDocument {
  const entry = new Date(Date.UTC(2026, 2, 1, 12) - i * 3_600_000);
  return {
    id: guestId(i),
    first_name: `Guest${i}`,
    last_name: 'Walker',
    phone: null,
    email: null,
    nationality: 'Sri Lanka',
    ...protectIdDocument(protector, guestId(i), `N90000000${i}V`),
    visit_date: entry,
    entry_time: entry,
    exit_time: new Date(entry.getTime() + 600_000),
    spend_amount: toMoney('10.00'),
    games_played: [],
    services_used: [],
    converted_to_member: false,
    converted_member_id: null,
    follow_up_required: false,
    notes: null,
    marketing_consent: false,
  };
}

const CREATE_CAMPAIGN = /* GraphQL */ `
  mutation ($input: CreateMarketingCampaignInput!) {
    createMarketingCampaign(input: $input) {
      id
      department
      createdBy {
        id
      }
    }
  }
`;

const CREATE_TEMPLATE = /* GraphQL */ `
  mutation ($input: CreateNotificationTemplateInput!) {
    createNotificationTemplate(input: $input) {
      id
      department
      createdBy {
        id
      }
    }
  }
`;

const REGISTER_GUEST = /* GraphQL */ `
  mutation ($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
      idDocument
    }
  }
`;

let counter = 0;
const campaignInput = (department?: string | null) => ({
  name: `Campaign ${++counter}`,
  campaignType: 'event',
  targetAudience: ['vip'],
  startDate: '2026-10-01T00:00:00.000Z',
  endDate: '2026-10-05T00:00:00.000Z',
  budget: '500.00',
  ...(department !== undefined ? { department } : {}),
});
const templateInput = (department?: string | null) => ({
  name: `template_${++counter}`,
  category: 'marketing',
  title: 'Hello {first_name}',
  content: 'See you soon, {first_name}.',
  variables: ['first_name'],
  channels: ['email'],
  ...(department !== undefined ? { department } : {}),
});

describe('marketing permissions', () => {
  let harness: SubgraphHarness;
  const count = (collection: string) => harness.db.collection(collection).countDocuments();
  /** Runs an operation and returns its result with the audit events it produced. */
  async function run(query: string, variables: Record<string, unknown>, identity: Identity) {
    const before = harness.auditEvents.length;
    const result = await harness.execute<Record<string, unknown>>(query, variables, { identity });
    return { result, events: harness.auditEvents.slice(before) };
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    protector = harness.protector!;
    await harness.db.collection(WALK_IN_GUESTS).insertMany([0, 1, 2].map(guest));
  });
  afterAll(() => harness.close());

  describe('reading', () => {
    const READS = [
      `{ marketingCampaigns { totalCount edges { node { id department createdBy { id } } } pageInfo { hasNextPage } } }`,
      `{ marketingCampaign(id: "x") { id } }`,
      `{ customerAnalytics(memberId: "x") { id } }`,
      `{ walkInGuests(first: 1) { totalCount edges { cursor node { id firstName } } pageInfo { endCursor } } }`,
      `{ walkInGuest(id: "${guestId(0)}") { id lastName convertedMember { id } } }`,
      `{ notifications { totalCount edges { node { id } } pageInfo { hasNextPage } } }`,
      `{ notification(id: "x") { id } }`,
      `{ notificationTemplates { totalCount edges { node { id department } } pageInfo { hasNextPage } } }`,
      `{ notificationTemplate(id: "x") { id } }`,
    ];

    it.each(ADMINS)('lets a %s read everything marketing owns', async (_role, identity) => {
      for (const query of READS) {
        const { result } = await run(query, {}, identity);
        expect({ query, errors: result.errors }).toEqual({ query, errors: undefined });
      }
      const { result } = await run(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id segments analytics { id } } } }`,
        { r: [{ __typename: 'Member', id: 'm-1' }] },
        identity,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities).toEqual([{ id: 'm-1', segments: [], analytics: null }]);
    });

    it('tells an anonymous caller to sign in and a service it is not allowed, for every read', async () => {
      for (const query of READS) {
        const anonymous = await run(query, {}, AS.anonymous);
        expect({ query, code: codeOf(anonymous.result) }).toEqual({ query, code: 'UNAUTHENTICATED' });
        const service = await run(query, {}, AS.service);
        expect({ query, code: codeOf(service.result) }).toEqual({ query, code: 'FORBIDDEN' });
      }
    });

    it('answers entity lookups only for admins', async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on WalkInGuest { id firstName } } }`;
      const variables = { r: [{ __typename: 'WalkInGuest', id: guestId(1) }] };
      const anonymous = await run(query, variables, AS.anonymous);
      expect(codeOf(anonymous.result)).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(anonymous.result.data ?? null)).not.toContain('Guest1');
      const service = await run(query, variables, AS.service);
      expect(codeOf(service.result)).toBe('FORBIDDEN');
    });
  });

  describe('WalkInGuest.idDocument', () => {
    const LIST = `{ walkInGuests { edges { node { id idDocument } } } }`;

    it.each([
      ['Manager of Gaming', AS.gamingManager],
      ['Supervisor of Gaming', AS.gamingSupervisor],
      ['Manager of F&B', AS.fbManager],
    ])('is masked for a %s, and nothing is audited', async (_role, identity) => {
      const { result, events } = await run(LIST, {}, identity);
      expect(result.errors).toBeUndefined();
      const nodes = (result.data!.walkInGuests as { edges: { node: { idDocument: string } }[] }).edges;
      expect(nodes.map((e) => e.node.idDocument)).toEqual(['****000V', '****001V', '****002V']);
      expect(events).toEqual([]);
    });

    it.each([
      ['SuperAdmin', AS.superAdmin],
      ['GeneralAdmin', AS.generalAdmin],
      ['Supervisor with pii:read', AS.piiSupervisor],
    ])('is revealed to a %s, with one pii.read event per value', async (_role, identity) => {
      const { result, events } = await run(LIST, {}, identity);
      expect(result.errors).toBeUndefined();
      const nodes = (result.data!.walkInGuests as { edges: { node: { idDocument: string } }[] }).edges;
      expect(nodes.map((e) => e.node.idDocument)).toEqual(['N900000000V', 'N900000001V', 'N900000002V']);
      expect(events).toHaveLength(3);
      expect(events.map((e) => e.targetId)).toEqual([0, 1, 2].map(guestId));
      for (const event of events) {
        expect(event).toMatchObject({
          action: 'pii.read',
          targetType: 'WalkInGuest',
          actorId: identity.kind === 'admin' ? identity.userId : 'none',
          outcome: 'allowed',
          changes: { before: null, after: { field: 'idDocument' } },
        });
      }
    });

    it('audits a reveal through an entity lookup too, and none when the field is not asked for', async () => {
      const { result, events } = await run(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on WalkInGuest { idDocument } } }`,
        { r: [{ __typename: 'WalkInGuest', id: guestId(2) }] },
        AS.generalAdmin,
      );
      expect(result.data!._entities).toEqual([{ idDocument: 'N900000002V' }]);
      expect(events).toEqual([expect.objectContaining({ action: 'pii.read', targetId: guestId(2) })]);
      const without = await run(`{ walkInGuests { edges { node { id } } } }`, {}, AS.superAdmin);
      expect(without.events).toEqual([]);
    });

    it('gives an anonymous caller neither the value nor an audit entry', async () => {
      const { result, events } = await run(
        `{ walkInGuest(id: "${guestId(0)}") { idDocument } }`,
        {},
        AS.anonymous,
      );
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(result)).not.toContain('000V');
      expect(events).toEqual([]);
    });
  });

  describe('registerWalkInGuest', () => {
    const input = (i: number) => ({
      firstName: 'Nimal',
      lastName: 'Perera',
      nationality: 'Sri Lanka',
      idDocument: `P${1000000 + i}`,
      marketingConsent: false,
    });

    it.each(ADMINS.map(([role, identity], i) => [role, identity, i] as const))(
      'is open to a %s',
      async (_role, identity, i) => {
        const { result, events } = await run(REGISTER_GUEST, { input: input(i) }, identity);
        expect(result.errors).toBeUndefined();
        expect(events).toContainEqual(
          expect.objectContaining({ action: 'registerWalkInGuest', outcome: 'allowed' }),
        );
      },
    );

    it('masks the document in the answer to a Manager and reveals it, audited, to a GeneralAdmin', async () => {
      const manager = await run(REGISTER_GUEST, { input: input(10) }, AS.gamingManager);
      expect(manager.result.data!.registerWalkInGuest).toMatchObject({ idDocument: '****0010' });
      expect(manager.events.map((e) => e.action)).toEqual(['registerWalkInGuest']);
      const general = await run(REGISTER_GUEST, { input: input(11) }, AS.generalAdmin);
      const id = (general.result.data!.registerWalkInGuest as { id: string }).id;
      expect(general.result.data!.registerWalkInGuest).toMatchObject({ idDocument: 'P1000011' });
      expect(general.events.map((e) => [e.action, e.targetId])).toEqual(
        expect.arrayContaining([
          ['pii.read', id],
          ['registerWalkInGuest', id],
        ]),
      );
      // the mutation's own audit entry never carries the document number
      expect(JSON.stringify(general.events)).not.toContain('P1000011');
    });

    it('refuses anonymous callers and services, writing nothing but a denied audit entry', async () => {
      const before = await count(WALK_IN_GUESTS);
      const anonymous = await run(REGISTER_GUEST, { input: input(20) }, AS.anonymous);
      expect(codeOf(anonymous.result)).toBe('UNAUTHENTICATED');
      expect(anonymous.events).toEqual([
        expect.objectContaining({ action: 'registerWalkInGuest', outcome: 'denied', actorId: null }),
      ]);
      const service = await run(REGISTER_GUEST, { input: input(21) }, AS.service);
      expect(codeOf(service.result)).toBe('FORBIDDEN');
      expect(await count(WALK_IN_GUESTS)).toBe(before);
    });
  });

  describe.each([
    ['createMarketingCampaign', CREATE_CAMPAIGN, campaignInput, MARKETING_CAMPAIGNS],
    ['createNotificationTemplate', CREATE_TEMPLATE, templateInput, NOTIFICATION_TEMPLATES],
  ] as const)('%s', (mutation, document, inputFor, collection) => {
    async function create(identity: Identity, department?: string | null) {
      const { result, events } = await run(document, { input: inputFor(department) }, identity);
      const created = result.data?.[mutation] as
        { id: string; department: string | null; createdBy: { id: string } | null } | undefined;
      return { result, events, created };
    }

    it.each([
      ['SuperAdmin', AS.superAdmin],
      ['GeneralAdmin', AS.generalAdmin],
    ])('lets a %s create for no department or any of them, recorded as the creator', async (_r, identity) => {
      const none = await create(identity);
      expect(none.result.errors).toBeUndefined();
      expect(none.created).toMatchObject({
        department: null,
        createdBy: { id: identity.kind === 'admin' ? identity.userId : 'none' },
      });
      for (const department of ['Gaming', 'F&B', 'Security', 'Management', 'Maintenance']) {
        const named = await create(identity, department);
        expect(named.result.errors).toBeUndefined();
        expect(named.created!.department).toBe(department);
        const stored = await harness.db.collection(collection).findOne({ id: named.created!.id });
        expect(stored).toMatchObject({ department, created_by: (identity as { userId: string }).userId });
      }
    });

    it('gives a Manager’s creation their own department, named or not', async () => {
      const unnamed = await create(AS.gamingManager);
      expect(unnamed.result.errors).toBeUndefined();
      expect(unnamed.created).toMatchObject({
        department: 'Gaming',
        createdBy: { id: AS.gamingManager.userId },
      });
      const stored = await harness.db.collection(collection).findOne({ id: unnamed.created!.id });
      expect(stored).toMatchObject({ department: 'Gaming', created_by: AS.gamingManager.userId });
      const named = await create(AS.gamingManager, 'Gaming');
      expect(named.created!.department).toBe('Gaming');
      const fb = await create(AS.fbManager, null);
      expect(fb.created).toMatchObject({ department: 'F&B', createdBy: { id: AS.fbManager.userId } });
    });

    it.each([
      ['a Manager of Gaming for F&B', AS.gamingManager, 'F&B', 'FORBIDDEN'],
      ['a Manager of F&B for Gaming', AS.fbManager, 'Gaming', 'FORBIDDEN'],
      ['a Manager for a department that does not exist', AS.gamingManager, 'Casino', 'FORBIDDEN'],
      ['a Manager without a department', AS.managerWithoutDepartment, undefined, 'FORBIDDEN'],
      ['a Supervisor, even for their own department', AS.gamingSupervisor, 'Gaming', 'FORBIDDEN'],
      ['a Supervisor naming no department', AS.gamingSupervisor, undefined, 'FORBIDDEN'],
      ['a Supervisor holding pii:read', AS.piiSupervisor, undefined, 'FORBIDDEN'],
      ['a service', AS.service, undefined, 'FORBIDDEN'],
      ['an anonymous caller', AS.anonymous, undefined, 'UNAUTHENTICATED'],
    ] as const)(
      'refuses %s, writing nothing but a denied audit entry',
      async (_who, identity, department, code) => {
        const before = await count(collection);
        const { result, events } = await create(identity, department);
        expect(codeOf(result)).toBe(code);
        expect(result.data ?? null).toBeNull();
        expect(await count(collection)).toBe(before);
        expect(events).toEqual([
          expect.objectContaining({ action: mutation, outcome: 'denied', targetId: null }),
        ]);
      },
    );

    it('refuses an unknown department from a GeneralAdmin as bad input, naming the field', async () => {
      const before = await count(collection);
      const { result } = await create(AS.generalAdmin, 'Marketing');
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.department',
      });
      expect(await count(collection)).toBe(before);
    });

    it('no longer takes the creator from the input', async () => {
      const { result } = await run(
        document,
        { input: { ...inputFor(), createdBy: AS.generalAdmin.userId } },
        AS.gamingManager,
      );
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
    });
  });
});
