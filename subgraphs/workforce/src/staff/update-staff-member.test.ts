import type { Identity } from '@casino/auth';
import { DEFAULT_WORKFORCE_SETTINGS, createWorkforceSubgraph } from '../index';
import {
  FNB_MANAGER,
  GAMING_MANAGER,
  GAMING_SUPERVISOR,
  courseDoc,
  recordDoc,
  staffDoc,
  useFixtureProtector,
} from '../testing/fixtures';
import { startWorkforceHarness } from '../testing/harness';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateStaffMemberInput!) {
    updateStaffMember(input: $input) {
      id
      firstName
      email
      position
      department
      salary
      employmentStatus
      skills
      trainingCompletionRate
      lastUpdated
      manager {
        id
      }
    }
  }
`;

const ids = {
  gm: '11000000-0000-4000-8000-000000000001',
  gamingDirector: '11000000-0000-4000-8000-000000000002',
  pitBoss: '11000000-0000-4000-8000-000000000003',
  dealer: '11000000-0000-4000-8000-000000000004',
  fnbDirector: '11000000-0000-4000-8000-000000000005',
  waiter: '11000000-0000-4000-8000-000000000006',
  spare: '11000000-0000-4000-8000-000000000007',
  courseA: '21000000-0000-4000-8000-000000000001',
  courseB: '21000000-0000-4000-8000-000000000002',
};

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
type Updated = { updateStaffMember: Record<string, unknown> };
const firstError = (result: Result) => result.errors?.[0]?.extensions;

describe('updateStaffMember', () => {
  let harness: SubgraphHarness;
  const update = (input: Record<string, unknown>, identity?: Identity) =>
    harness.execute<Updated>(UPDATE, { input }, identity ? { identity } : {});
  const stored = (id: string) => harness.db.collection('staff_members').findOne({ id });

  beforeAll(async () => {
    harness = await startWorkforceHarness(() => [
      staffDoc(ids.gm, 'Gehan', 'Management', null, { position: 'General Manager' }),
      staffDoc(ids.gamingDirector, 'Gayan', 'Gaming', ids.gm, { position: 'Gaming Director' }),
      staffDoc(ids.pitBoss, 'Pradeep', 'Gaming', ids.gamingDirector, { position: 'Pit Boss' }),
      staffDoc(ids.dealer, 'Dilan', 'Gaming', ids.pitBoss),
      staffDoc(ids.fnbDirector, 'Fathima', 'F&B', ids.gm, { position: 'F&B Director' }),
      staffDoc(ids.waiter, 'Wasantha', 'F&B', ids.fnbDirector, { position: 'Waiter' }),
      staffDoc(ids.spare, 'Sunil', 'Gaming', ids.pitBoss),
    ]);
    await harness.db.collection('training_courses').insertMany([
      courseDoc(ids.courseA, 'Responsible Gaming', {
        is_mandatory: true,
        required_for_positions: ['Pit Boss'],
      }),
      courseDoc(ids.courseB, 'Game Protection', {
        is_mandatory: true,
        required_for_positions: ['Pit Boss'],
      }),
    ]);
    await harness.db
      .collection('training_records')
      .insertOne(recordDoc('31000000-0000-4000-8000-000000000001', ids.dealer, ids.courseA));
  });
  afterAll(() => harness.close());

  it('changes only the given fields and audits the document before and after, PII redacted', async () => {
    harness.auditEvents.length = 0;
    const result = await update({
      id: ids.dealer,
      firstName: 'Dilshan',
      email: 'Dilshan@Casino.example',
      salary: '61000.50',
      skills: ['Baccarat', 'Baccarat', 'Roulette'],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateStaffMember).toMatchObject({
      id: ids.dealer,
      firstName: 'Dilshan',
      email: 'dilshan@casino.example',
      position: 'Dealer',
      department: 'Gaming',
      salary: '61000.50',
      employmentStatus: 'active',
      skills: ['Baccarat', 'Roulette'],
      manager: { id: ids.pitBoss },
    });
    expect(result.data!.updateStaffMember.lastUpdated).not.toBe('2026-01-01T00:00:00.000Z');
    const event = harness.auditEvents.find((e) => e.action === 'updateStaffMember')!;
    expect(event).toMatchObject({ action: 'updateStaffMember', targetId: ids.dealer, outcome: 'allowed' });
    const changes = event.changes as { before: Record<string, unknown>; after: Record<string, unknown> };
    expect(changes.before).toMatchObject({ first_name: '[redacted]', salary: '[redacted]', skills: [] });
    expect(changes.after).toMatchObject({ salary: '[redacted]', skills: ['Baccarat', 'Roulette'] });
    // neither the plaintext nor the ciphertext of the salary goes into the audit entry
    const raw = await stored(ids.dealer);
    expect(raw!.salary).toMatch(/^enc\.v1\./);
    expect(JSON.stringify(event.changes)).not.toContain('61000');
    expect(JSON.stringify(event.changes)).not.toContain(raw!.salary);
    // the read of the new salary in the response is audited
    expect(harness.auditEvents.some((e) => e.action === 'pii.read' && e.targetId === ids.dealer)).toBe(true);
  });

  it('recomputes the training completion rate when the position changes', async () => {
    const result = await update({ id: ids.dealer, position: 'Pit Boss' });
    expect(result.errors).toBeUndefined();
    // one of the two mandatory courses of a Pit Boss is completed
    expect(result.data!.updateStaffMember.trainingCompletionRate).toBe(50);
    expect((await stored(ids.dealer))?.training_completion_rate).toBe(50);
    await update({ id: ids.dealer, position: 'Dealer' });
    expect((await stored(ids.dealer))?.training_completion_rate).toBe(0);
  });

  it('moves a person to another manager, or removes the manager with null', async () => {
    const moved = await update({ id: ids.spare, managerId: ids.fnbDirector });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.updateStaffMember.manager).toEqual({ id: ids.fnbDirector });
    const top = await update({ id: ids.spare, managerId: null });
    expect(top.data!.updateStaffMember.manager).toBeNull();
    expect((await stored(ids.spare))?.manager_id).toBeNull();
    const omitted = await update({ id: ids.spare, firstName: 'Sunila' });
    expect(omitted.data!.updateStaffMember.manager).toBeNull();
  });

  it.each([
    ['their own manager', ids.gamingDirector, ids.gamingDirector],
    ['a direct report as manager', ids.pitBoss, ids.dealer],
    ['someone further down the chain as manager', ids.gm, ids.dealer],
  ])('refuses making a person %s (a cycle) as BAD_USER_INPUT input.managerId', async (_, id, managerId) => {
    const before = await stored(id);
    const result = await update({ id, managerId });
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.managerId' });
    expect((await stored(id))?.manager_id).toBe(before?.manager_id);
  });

  it.each([
    ['unknown manager', { managerId: '99999999-0000-4000-8000-000000000000' }, 'input.managerId'],
    ['department', { department: 'Casino' }, 'input.department'],
    ['email', { email: 'nope' }, 'input.email'],
    ['null first name', { firstName: null }, 'input.firstName'],
    ['negative salary', { salary: '-5.00' }, 'input.salary'],
    ['empty change', {}, 'input'],
  ])('rejects a bad %s naming the field', async (_, change, field) => {
    const result = await update({ id: ids.waiter, ...change });
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('is NOT_FOUND for an unknown id and CONFLICT for an email someone else has', async () => {
    const missing = await update({ id: '99999999-0000-4000-8000-000000000000', firstName: 'X' });
    expect(firstError(missing)).toMatchObject({ code: 'NOT_FOUND' });
    const taken = (await stored(ids.gm))!.email as string;
    const result = await update({ id: ids.waiter, email: taken });
    expect(firstError(result)).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
  });

  it('terminates with employmentStatus: terminated', async () => {
    const result = await update({ id: ids.waiter, employmentStatus: 'terminated' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.updateStaffMember.employmentStatus).toBe('terminated');
    expect((await stored(ids.waiter))?.employment_status).toBe('terminated');
  });

  describe('scope', () => {
    it('lets a Manager edit their own department, salary included', async () => {
      const result = await update({ id: ids.pitBoss, salary: '70000.00' }, GAMING_MANAGER);
      expect(result.errors).toBeUndefined();
      expect(result.data!.updateStaffMember.salary).toBe('70000.00');
    });

    it.each([
      ['a Manager editing another department', FNB_MANAGER, { id: ids.pitBoss, firstName: 'X' }],
      [
        'a Manager moving staff out of the department',
        GAMING_MANAGER,
        { id: ids.pitBoss, department: 'F&B' },
      ],
      ['a Supervisor', GAMING_SUPERVISOR, { id: ids.pitBoss, firstName: 'X' }],
      ['a Manager with an unknown id', GAMING_MANAGER, { id: '99999999-0000-4000-8000-000000000000' }],
    ])('is FORBIDDEN for %s and changes nothing', async (_, identity, input) => {
      const before = await stored(ids.pitBoss);
      const result = await update(input, identity);
      expect(firstError(result)).toMatchObject({ code: 'FORBIDDEN' });
      expect(await stored(ids.pitBoss)).toEqual(before);
    });

    it('is UNAUTHENTICATED for an anonymous caller', async () => {
      const result = await update({ id: ids.pitBoss, firstName: 'X' }, { kind: 'anonymous' });
      expect(firstError(result)).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });
});

describe('updateStaffMember with a bounded hierarchy walk', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createWorkforceSubgraph({ ...DEFAULT_WORKFORCE_SETTINGS, maxHierarchyDepth: 2 }),
    );
    useFixtureProtector(harness.protector);
    const chain = ['a', 'b', 'c', 'd', 'e'].map((letter, index, all) =>
      staffDoc(`chain-${letter}`, `Chain${letter}`, 'Gaming', index === 0 ? null : `chain-${all[index - 1]}`),
    );
    await harness.db.collection('staff_members').insertMany(chain);
  });
  afterAll(() => harness.close());

  it('gives up past the configured depth with BAD_USER_INPUT instead of walking on', async () => {
    const deep = await harness.execute(UPDATE, { input: { id: 'chain-a', managerId: 'chain-e' } });
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.managerId' });
    expect(deep.errors?.[0]?.message).toMatch(/deeper than 2 levels/);
    const near = await harness.execute(UPDATE, { input: { id: 'chain-e', managerId: 'chain-b' } });
    expect(near.errors).toBeUndefined();
  });
});
