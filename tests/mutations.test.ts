import { MongoClient } from 'mongodb';
import type { SubgraphName } from '../scripts/stack';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

interface MutationCase {
  name: string;
  subgraph: SubgraphName;
  collection: string;
  /** The mutation, selecting `id` of the created object. */
  document: string;
  valid: () => Record<string, unknown>;
  /** An invalid variant and the field the error must name. */
  invalid: { input: Record<string, unknown>; field: string };
  /** A second input that clashes with `valid()` on a unique key, and the field named; absent if none. */
  duplicate?: { input: Record<string, unknown>; field: string };
}

const AS_ADMIN = { as: IDENTITIES.SuperAdmin };
/** Two members gaming may seat (active, not self-excluded), read from loyalty's seeded data. */
const PLAYERS: string[] = [];

const CASES: MutationCase[] = [
  {
    name: 'registerMember',
    subgraph: 'loyalty',
    collection: 'members',
    document: 'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id tier } }',
    valid: () => ({
      firstName: 'Kavinda',
      lastName: 'Silva',
      email: 'kavinda.silva@example.com',
      phone: '+94 71 555 0101',
      dateOfBirth: '1979-02-03T00:00:00.000Z',
      nationality: 'Sri Lanka',
      nicPassport: '790340123V',
    }),
    invalid: { input: { phone: 'call me' }, field: 'input.phone' },
    duplicate: { input: { email: 'someone.else@example.com' }, field: 'input.nicPassport' },
  },
  {
    name: 'registerWalkInGuest',
    subgraph: 'marketing',
    collection: 'walk_in_guests',
    document:
      'mutation ($input: RegisterWalkInGuestInput!) { registerWalkInGuest(input: $input) { id idDocument } }',
    valid: () => ({
      firstName: 'Mei',
      lastName: 'Tan',
      nationality: 'Singapore',
      idDocument: 'K1234567Q',
      marketingConsent: false,
    }),
    invalid: { input: { email: 'mei@' }, field: 'input.email' },
    duplicate: { input: { firstName: 'Someone' }, field: 'input.idDocument' },
  },
  {
    name: 'startGamingSession',
    subgraph: 'gaming',
    collection: 'gaming_sessions',
    document:
      'mutation ($input: StartGamingSessionInput!) { startGamingSession(input: $input) { id status } }',
    valid: () => ({
      memberId: PLAYERS[0],
      gameTypeCode: 'slots',
      machineNumber: 'SL-0042',
      buyInAmount: '200.00',
    }),
    invalid: { input: { buyInAmount: '-5.00' }, field: 'input.buyInAmount' },
    duplicate: {
      get input() {
        return { memberId: PLAYERS[1] };
      },
      field: 'input.machineNumber',
    },
  },
  {
    name: 'createStaffMember',
    subgraph: 'workforce',
    collection: 'staff_members',
    document:
      'mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { id employmentStatus } }',
    valid: () => ({
      employeeId: 'EMP-90001',
      firstName: 'Ruwan',
      lastName: 'Fernando',
      email: 'ruwan.fernando@casino.example',
      phone: '+94 77 000 1234',
      position: 'Dealer',
      department: 'Gaming',
      hireDate: '2026-10-01T00:00:00.000Z',
      salary: '3200.00',
    }),
    invalid: { input: { department: 'Casino Floor' }, field: 'input.department' },
    duplicate: { input: { email: 'another@casino.example' }, field: 'input.employeeId' },
  },
  {
    name: 'createTrainingCourse',
    subgraph: 'workforce',
    collection: 'training_courses',
    document: 'mutation ($input: CreateTrainingCourseInput!) { createTrainingCourse(input: $input) { id } }',
    valid: () => ({
      courseName: 'Responsible Gaming Refresher 2027',
      category: 'compliance',
      difficultyLevel: 'beginner',
      durationHours: 2,
    }),
    invalid: { input: { passingScore: 140 }, field: 'input.passingScore' },
    duplicate: { input: { durationHours: 3 }, field: 'input.courseName' },
  },
  {
    name: 'createMarketingCampaign',
    subgraph: 'marketing',
    collection: 'marketing_campaigns',
    document:
      'mutation ($input: CreateMarketingCampaignInput!) { createMarketingCampaign(input: $input) { id status } }',
    valid: () => ({
      name: 'Lunar New Year Baccarat Nights',
      campaignType: 'event',
      targetAudience: ['vip', 'high_roller'],
      startDate: '2027-02-01T00:00:00.000Z',
      endDate: '2027-02-15T00:00:00.000Z',
      budget: '25000.00',
    }),
    invalid: { input: { endDate: '2027-01-01T00:00:00.000Z' }, field: 'input.endDate' },
    duplicate: { input: { budget: '100.00' }, field: 'input.name' },
  },
  {
    name: 'createNotificationTemplate',
    subgraph: 'marketing',
    collection: 'notification_templates',
    document:
      'mutation ($input: CreateNotificationTemplateInput!) { createNotificationTemplate(input: $input) { id variables } }',
    valid: () => ({
      name: 'Points credited',
      category: 'user_activity',
      title: 'Hello {first_name}',
      content: 'You earned {points} points today.',
      variables: ['first_name', 'points'],
      channels: ['in_app', 'email'],
    }),
    invalid: { input: { content: 'You earned {points} points, {nickname}.' }, field: 'input.variables' },
    duplicate: { input: { priority: 'high' }, field: 'input.name' },
  },
];

describe('create mutations through the gateway', () => {
  let stack: TestStack;
  let client: MongoClient;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 10 });
    client = await MongoClient.connect(stack.mongoUri);
    const players = await client
      .db(stack.databases.loyalty)
      .collection('members')
      .find({ is_active: true, self_excluded: false })
      .limit(2)
      .toArray();
    PLAYERS.push(...players.map((p) => String(p.id)));
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  const count = (c: MutationCase) =>
    client.db(stack.databases[c.subgraph]).collection(c.collection).countDocuments();

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('creates the document with a UUID id', async () => {
      const before = await count(c);
      const result = await stack.query<Record<string, { id: string }>>(
        c.document,
        { input: c.valid() },
        AS_ADMIN,
      );
      expect(result.errors).toBeUndefined();
      const created = result.data![c.name]!;
      expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(await count(c)).toBe(before + 1);
    });

    it('answers bad input with BAD_USER_INPUT naming the field, writing nothing', async () => {
      const before = await count(c);
      const result = await stack.query(c.document, { input: { ...c.valid(), ...c.invalid.input } }, AS_ADMIN);
      expect(result.data?.[c.name] ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: c.invalid.field,
      });
      expect(await count(c)).toBe(before);
    });

    it('answers a duplicate unique key with CONFLICT, writing nothing', async () => {
      const before = await count(c);
      const result = await stack.query(
        c.document,
        { input: { ...c.valid(), ...c.duplicate!.input } },
        AS_ADMIN,
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: c.duplicate!.field });
      expect(await count(c)).toBe(before);
    });
  });
});
