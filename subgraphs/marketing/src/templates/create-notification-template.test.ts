import { marketingSubgraph } from '../index';
import { startSubgraphHarness, TEST_SUPERADMIN } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { placeholdersIn } from './template-service';
import { NOTIFICATION_TEMPLATES } from './template-store';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateNotificationTemplateInput!) {
    createNotificationTemplate(input: $input) {
      id
      name
      category
      title
      content
      variables
      channels
      priority
      isActive
      department
      createdBy {
        id
      }
      createdAt
      updatedAt
    }
  }
`;

const validInput = {
  name: 'points_reminder',
  category: 'user_activity',
  title: 'Hi {first_name}',
  content: 'You have {points} points, {first_name}. They expire on {expiry_date}.',
  variables: ['first_name', 'points', 'expiry_date', 'tier'],
  channels: ['email', 'sms', 'email'],
  priority: 'high',
};

describe('placeholdersIn', () => {
  it('finds each distinct {identifier} once and ignores other braces', () => {
    expect(placeholdersIn('{a} and {b_2} and {a}, not { c } or {3d} or {}')).toEqual(['a', 'b_2']);
  });
});

describe('createNotificationTemplate', () => {
  let harness: SubgraphHarness;
  const templates = () => harness.db.collection(NOTIFICATION_TEMPLATES);
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  it('creates an active template, keeping declared variables and distinct channels', async () => {
    const result = await harness.execute<{ createNotificationTemplate: Record<string, unknown> }>(CREATE, {
      input: validInput,
    });
    expect(result.errors).toBeUndefined();
    const template = result.data!.createNotificationTemplate;
    expect(template).toMatchObject({
      name: 'points_reminder',
      category: 'user_activity',
      variables: ['first_name', 'points', 'expiry_date', 'tier'],
      channels: ['email', 'sms'],
      priority: 'high',
      isActive: true,
      department: null,
      createdBy: { id: TEST_SUPERADMIN.kind === 'admin' ? TEST_SUPERADMIN.userId : '' },
    });
    expect(template.createdAt).toBe(template.updatedAt);
    expect(await templates().countDocuments({ id: template.id })).toBe(1);
  });

  it('defaults the priority to normal and allows text without placeholders', async () => {
    const result = await harness.execute<{ createNotificationTemplate: Record<string, unknown> }>(CREATE, {
      input: {
        name: 'plain',
        category: 'system',
        title: 'Maintenance tonight',
        content: 'Back soon.',
        channels: ['in_app'],
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createNotificationTemplate).toMatchObject({ priority: 'normal', variables: [] });
  });

  it('records the department a GeneralAdmin or above names', async () => {
    const result = await harness.execute<{ createNotificationTemplate: Record<string, unknown> }>(CREATE, {
      input: { ...validInput, name: 'security_notice', department: 'Security' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createNotificationTemplate.department).toBe('Security');
    expect(await templates().findOne({ name: 'security_notice' })).toMatchObject({ department: 'Security' });
  });

  it('refuses placeholders that are not declared, naming input.variables, and writes nothing', async () => {
    const before = await templates().countDocuments();
    const inTitle = await harness.execute(CREATE, {
      input: { ...validInput, name: 'other', title: 'Hello {nickname}' },
    });
    expect(inTitle.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.variables',
    });
    expect(inTitle.errors?.[0]?.message).toContain('{nickname}');
    const inContent = await harness.execute(CREATE, {
      input: { ...validInput, name: 'other', variables: ['first_name', 'points'] },
    });
    expect(inContent.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.variables',
    });
    expect(inContent.errors?.[0]?.message).toContain('{expiry_date}');
    expect(await templates().countDocuments()).toBe(before);
  });

  it('names other invalid fields and writes nothing', async () => {
    const before = await templates().countDocuments();
    const cases: [Record<string, unknown>, string][] = [
      [{ channels: [] }, 'input.channels'],
      [{ name: '' }, 'input.name'],
      [{ content: '  ' }, 'input.content'],
      [{ variables: ['first_name', 'points', 'expiry_date', 'bad-name'] }, 'input.variables.3'],
      [{ department: 'Casino floor' }, 'input.department'],
    ];
    for (const [change, field] of cases) {
      const result = await harness.execute(CREATE, { input: { ...validInput, name: 'other', ...change } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknownChannel = await harness.execute(CREATE, { input: { ...validInput, channels: ['fax'] } });
    expect(unknownChannel.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await templates().countDocuments()).toBe(before);
  });

  it('refuses a second template with the same name as CONFLICT', async () => {
    const before = await templates().countDocuments();
    const result = await harness.execute(CREATE, { input: { ...validInput, name: ' points_reminder' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(await templates().countDocuments()).toBe(before);
  });
});
