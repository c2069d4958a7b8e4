import { randomUUID } from 'node:crypto';
import {
  ComplianceSelfExclusionWindowsDocument,
  EraseLoyaltyMemberDataDocument,
} from '../__generated__/operations';
import { loyaltySubgraph } from '../index';
import type { MemberDocument } from '../members/member-store';
import { COMPLIANCE_SERVICE, admin, memberDocument } from '../testing/fixtures';
import { SELF_EXCLUSIONS } from './self-exclusion-store';
import type { SelfExclusionDocument } from './self-exclusion-store';
import { Faker, en } from '@faker-js/faker';
import { seedLoyalty } from '../seed';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const RECORD = /* GraphQL */ `
  mutation ($input: RecordSelfExclusionInput!) {
    recordSelfExclusion(input: $input) {
      id
      length
      startedAt
      endsAt
      reason
      recordedBy
      reinstatedAt
      member {
        id
        selfExcluded
      }
    }
  }
`;

const REINSTATE = /* GraphQL */ `
  mutation ($memberId: ID!) {
    reinstateMember(memberId: $memberId) {
      id
      selfExcluded
    }
  }
`;

const SET = /* GraphQL */ `
  mutation ($input: SetSelfExclusionInput!) {
    setSelfExclusion(input: $input) {
      id
      selfExcluded
    }
  }
`;

const HISTORY = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      selfExcluded
      selfExclusions {
        length
        startedAt
        endsAt
        reinstatedAt
        reinstatedBy
      }
    }
  }
`;

interface Period {
  id: string;
  length: string;
  startedAt: string;
  endsAt: string | null;
  reason: string;
  recordedBy: string;
  reinstatedAt: string | null;
  member: { id: string; selfExcluded: boolean };
}

const supervisor = admin('Supervisor');
const manager = admin('Manager');
const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('self-exclusion periods', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const periods = () => harness.db.collection<SelfExclusionDocument>(SELF_EXCLUSIONS);
  async function insertMember(overrides: Partial<MemberDocument> = {}) {
    const member = memberDocument(overrides);
    await members().insertOne({ ...member });
    return member;
  }
  const record = async (memberId: string, length: string, identity = supervisor) => {
    const result = await harness.execute<{ recordSelfExclusion: Period }>(
      RECORD,
      { input: { memberId, length, reason: 'asked at the desk' } },
      { identity },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.recordSelfExclusion;
  };
  /** Moves a member's exclusion into the past: it started `months` ago, so its end may have come. */
  async function backdate(memberId: string, startedAt: Date, endsAt: Date | null) {
    await periods().updateMany({ member_id: memberId }, { $set: { started_at: startedAt, ends_at: endsAt } });
    await members().updateOne(
      { id: memberId },
      { $set: { self_exclusion_changed_at: startedAt, self_exclusion_ends_at: endsAt } },
    );
  }
  const lastAudit = (action: string) => [...harness.auditEvents].reverse().find((e) => e.action === action);

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('any role records a period, in effect at once, kept in the history and audited without its reason', async () => {
    const member = await insertMember();
    const before = Date.now();
    const period = await record(member.id, 'ONE_YEAR');
    expect(period).toMatchObject({
      length: 'ONE_YEAR',
      reason: 'asked at the desk',
      recordedBy: (supervisor as { userId: string }).userId,
      reinstatedAt: null,
      member: { id: member.id, selfExcluded: true },
    });
    const started = new Date(period.startedAt);
    expect(started.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const end = new Date(period.endsAt!);
    expect(end.getUTCFullYear() - started.getUTCFullYear()).toBe(1);
    expect(end.getUTCMonth()).toBe(started.getUTCMonth());
    expect(await members().findOne({ id: member.id })).toMatchObject({
      self_excluded: true,
      self_exclusion_ends_at: end,
    });
    const history = await harness.execute(HISTORY, { id: member.id }, { identity: supervisor });
    expect(history.data).toEqual({
      member: {
        selfExcluded: true,
        selfExclusions: [
          {
            length: 'ONE_YEAR',
            startedAt: period.startedAt,
            endsAt: period.endsAt,
            reinstatedAt: null,
            reinstatedBy: null,
          },
        ],
      },
    });
    const audit = lastAudit('recordSelfExclusion');
    expect(audit).toMatchObject({
      outcome: 'allowed',
      targetType: 'SelfExclusion',
      targetId: period.id,
      changes: {
        before: { id: member.id, self_excluded: false },
        after: { self_excluded: true, self_exclusion_reason: '[redacted]', period: { length: 'ONE_YEAR' } },
      },
    });
    expect(JSON.stringify(audit)).not.toContain('asked at the desk');
  });

  it('refuses lifting before the period ends, to every role and through setSelfExclusion too', async () => {
    const member = await insertMember();
    const period = await record(member.id, 'SIX_MONTHS');
    for (const identity of [manager, admin('SuperAdmin', null)]) {
      const early = await harness.execute(REINSTATE, { memberId: member.id }, { identity });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
      expect(early.errors?.[0]?.message).toContain(`runs until ${period.endsAt}`);
    }
    const lift = await harness.execute(
      SET,
      { input: { memberId: member.id, selfExcluded: false, reason: 'wants to play again' } },
      { identity: manager },
    );
    expect(lift.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.memberId' });
    expect(await members().findOne({ id: member.id })).toMatchObject({ self_excluded: true });
    expect(await periods().findOne({ member_id: member.id })).toMatchObject({ reinstated_at: null });
  });

  it('reinstates after the end for a Manager and above, never a Supervisor; the history keeps the period', async () => {
    const member = await insertMember();
    await record(member.id, 'SIX_MONTHS');
    await backdate(member.id, new Date('2025-01-10T12:00:00Z'), new Date('2025-07-10T12:00:00Z'));
    const refused = await harness.execute(REINSTATE, { memberId: member.id }, { identity: supervisor });
    expect(code(refused)).toBe('FORBIDDEN');
    expect(await members().findOne({ id: member.id })).toMatchObject({ self_excluded: true });
    const reinstated = await harness.execute(REINSTATE, { memberId: member.id }, { identity: manager });
    expect(reinstated.errors).toBeUndefined();
    expect(reinstated.data).toEqual({ reinstateMember: { id: member.id, selfExcluded: false } });
    expect(lastAudit('reinstateMember')).toMatchObject({
      targetId: member.id,
      changes: { before: { self_excluded: true }, after: { self_excluded: false } },
    });
    const history = await harness.execute<{
      member: {
        selfExcluded: boolean;
        selfExclusions: { reinstatedAt: string | null; reinstatedBy: string }[];
      };
    }>(HISTORY, { id: member.id }, { identity: supervisor });
    expect(history.data!.member.selfExcluded).toBe(false);
    expect(history.data!.member.selfExclusions).toEqual([
      expect.objectContaining({
        startedAt: '2025-01-10T12:00:00.000Z',
        reinstatedBy: (manager as { userId: string }).userId,
      }),
    ]);
    expect(history.data!.member.selfExclusions[0]!.reinstatedAt).not.toBeNull();
    // a second reinstatement has nothing to lift
    const again = await harness.execute(REINSTATE, { memberId: member.id }, { identity: manager });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
  });

  it('never lifts a lifetime exclusion; a new period while one runs only makes it longer', async () => {
    const lifetime = await insertMember();
    await record(lifetime.id, 'LIFETIME');
    await backdate(lifetime.id, new Date('2001-01-01T00:00:00Z'), null);
    const refused = await harness.execute(REINSTATE, { memberId: lifetime.id }, { identity: manager });
    expect(refused.errors?.[0]?.message).toContain('a lifetime self-exclusion cannot be lifted');
    const shorter = await record(lifetime.id, 'SIX_MONTHS');
    expect(shorter.member.selfExcluded).toBe(true);
    expect((await members().findOne({ id: lifetime.id }))!.self_exclusion_ends_at).toBeNull();

    const member = await insertMember();
    const year = await record(member.id, 'ONE_YEAR');
    await record(member.id, 'SIX_MONTHS');
    expect((await members().findOne({ id: member.id }))!.self_exclusion_ends_at).toEqual(
      new Date(year.endsAt!),
    );
    const five = await record(member.id, 'FIVE_YEARS');
    expect((await members().findOne({ id: member.id }))!.self_exclusion_ends_at).toEqual(
      new Date(five.endsAt!),
    );
    expect(await periods().countDocuments({ member_id: member.id })).toBe(3);
  });

  it('keeps setSelfExclusion: true records the shortest period once, asking again changes nothing', async () => {
    const member = await insertMember();
    const input = { memberId: member.id, selfExcluded: true, reason: 'asked by phone' };
    expect((await harness.execute(SET, { input }, { identity: manager })).data).toEqual({
      setSelfExclusion: { id: member.id, selfExcluded: true },
    });
    expect((await harness.execute(SET, { input }, { identity: manager })).errors).toBeUndefined();
    const stored = await periods().find({ member_id: member.id }).toArray();
    expect(stored).toEqual([expect.objectContaining({ length: 'SIX_MONTHS', reason: 'asked by phone' })]);
  });

  it('validates the input and names unknown members, storing nothing', async () => {
    const unknown = await harness.execute(RECORD, {
      input: { memberId: randomUUID(), length: 'ONE_YEAR', reason: 'asked at the desk' },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.memberId',
    });
    const member = await insertMember();
    const noReason = await harness.execute(RECORD, {
      input: { memberId: member.id, length: 'ONE_YEAR', reason: ' ' },
    });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    expect(await periods().countDocuments({ member_id: member.id })).toBe(0);
    const notExcluded = await harness.execute(REINSTATE, { memberId: member.id }, { identity: manager });
    expect(notExcluded.errors?.[0]?.message).toContain('not self-excluded');
  });

  it('answers compliance with the windows in effect over a range, legacy exclusions included; admins refused', async () => {
    const windowsDb = await startSubgraphHarness(loyaltySubgraph);
    try {
      const put = async (overrides: Partial<MemberDocument>) => {
        const member = memberDocument(overrides);
        await windowsDb.db.collection('members').insertOne({ ...member });
        return member.id;
      };
      const period = (
        memberId: string,
        started: string,
        reinstated: string | null,
      ): SelfExclusionDocument => ({
        id: randomUUID(),
        member_id: memberId,
        length: 'SIX_MONTHS',
        started_at: new Date(started),
        ends_at: new Date(new Date(started).getTime() + 1000),
        reason: 'private',
        recorded_by: 'someone',
        reinstated_at: reinstated ? new Date(reinstated) : null,
        reinstated_by: reinstated ? 'someone' : null,
      });
      const during = await put({ self_excluded: true });
      const before = await put({ self_excluded: false });
      const after = await put({ self_excluded: true });
      const legacy = await put({ self_excluded: true });
      const legacySince = await put({
        self_excluded: true,
        self_exclusion_changed_at: new Date('2026-03-01T10:00:00Z'),
      });
      await windowsDb.db.collection(SELF_EXCLUSIONS).insertMany([
        // two overlapping periods of one member join into one window
        period(during, '2026-03-01T22:52:00Z', null),
        period(during, '2026-03-02T01:00:00Z', null),
        // reinstated before the range: not in effect
        period(before, '2025-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
        // starts after the range
        period(after, '2026-04-01T00:00:00Z', null),
      ]);
      const range = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' };
      const result = await windowsDb.execute(ComplianceSelfExclusionWindowsDocument, range, {
        identity: COMPLIANCE_SERVICE,
      });
      expect(result.errors).toBeUndefined();
      const expected = [
        { memberId: during, from: '2026-03-01T22:52:00.000Z', to: null },
        { memberId: legacy, from: null, to: null },
        { memberId: legacySince, from: '2026-03-01T10:00:00.000Z', to: null },
      ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
      expect(result.data!.selfExclusionsInEffect).toEqual(expected);
      const refused = await windowsDb.execute(ComplianceSelfExclusionWindowsDocument, range, {
        identity: admin('SuperAdmin', null),
      });
      expect(code(refused)).toBe('FORBIDDEN');
    } finally {
      await windowsDb.close();
    }
  });

  it('keeps an exclusion from before periods as a period when a new one is recorded or the member reinstated', async () => {
    const since = new Date('2026-01-05T09:30:00Z');
    const windows = async (from: string, to: string, memberId: string) => {
      const result = await harness.execute(
        ComplianceSelfExclusionWindowsDocument,
        { from, to },
        { identity: COMPLIANCE_SERVICE },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.selfExclusionsInEffect.filter((w) => w.memberId === memberId);
    };
    // flagged with its date, no period: a new period keeps the earlier exclusion from that date
    const dated = await insertMember({ self_excluded: true, self_exclusion_changed_at: since });
    const period = await record(dated.id, 'ONE_YEAR');
    const history = await harness.execute<{
      member: { selfExclusions: { length: string; startedAt: string; reinstatedAt: string | null }[] };
    }>(HISTORY, { id: dated.id }, { identity: supervisor });
    expect(history.errors).toBeUndefined();
    expect(history.data!.member.selfExclusions).toEqual([
      expect.objectContaining({ length: 'ONE_YEAR', startedAt: period.startedAt }),
      expect.objectContaining({ length: 'UNRECORDED', startedAt: since.toISOString(), reinstatedAt: null }),
    ]);
    // play in January is still in an exclusion for the gambling report
    expect(await windows('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', dated.id)).toEqual([
      { memberId: dated.id, from: since.toISOString(), to: null },
    ]);
    // a second period adds no second earlier one
    await record(dated.id, 'FIVE_YEARS');
    expect(await periods().countDocuments({ member_id: dated.id, length: 'UNRECORDED' })).toBe(1);

    // no date stored: from the member's registration, the earliest it can have begun
    const undated = await insertMember({ self_excluded: true });
    await record(undated.id, 'SIX_MONTHS');
    expect(await periods().findOne({ member_id: undated.id, length: 'UNRECORDED' })).toMatchObject({
      started_at: undated.registration_date,
      reinstated_at: null,
    });

    // reinstated (it may be lifted at any time): the earlier exclusion is kept, ended then
    const lifted = await insertMember({ self_excluded: true, self_exclusion_changed_at: since });
    expect(
      (await harness.execute(REINSTATE, { memberId: lifted.id }, { identity: manager })).errors,
    ).toBeUndefined();
    const kept = (await periods().findOne({ member_id: lifted.id }))!;
    expect(kept).toMatchObject({
      length: 'UNRECORDED',
      started_at: since,
      reinstated_by: (manager as { userId: string }).userId,
    });
    expect(await windows('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', lifted.id)).toEqual([
      { memberId: lifted.id, from: since.toISOString(), to: kept.reinstated_at!.toISOString() },
    ]);

    // never chosen as a length
    const refused = await harness.execute(RECORD, {
      input: { memberId: dated.id, length: 'UNRECORDED', reason: 'asked at the desk' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.length' });
  });

  it("erasing a member clears its periods' reasons and keeps their dates", async () => {
    const member = await insertMember();
    const period = await record(member.id, 'FIVE_YEARS');
    const erased = await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: member.id },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(erased.errors).toBeUndefined();
    expect(await periods().findOne({ id: period.id }, { projection: { _id: 0 } })).toMatchObject({
      reason: '[erased]',
      started_at: new Date(period.startedAt),
      length: 'FIVE_YEARS',
    });
  });

  it('seeds a period in effect behind every seeded self-excluded member, and none for the others', async () => {
    const seeded = await startSubgraphHarness(loyaltySubgraph);
    try {
      const faker = new Faker({ locale: [en] });
      faker.seed(7);
      const now = new Date('2026-11-01T00:00:00.000Z');
      await seedLoyalty(seeded.db, { faker, members: 400, now, protector: seeded.protector! });
      const all = await seeded.db.collection<MemberDocument>('members').find({}).toArray();
      const stored = await seeded.db.collection<SelfExclusionDocument>(SELF_EXCLUSIONS).find({}).toArray();
      const excluded = all.filter((m) => m.self_excluded);
      expect(excluded.length).toBeGreaterThan(0);
      expect(stored.map((p) => p.member_id).sort()).toEqual(excluded.map((m) => m.id).sort());
      for (const member of excluded) {
        const period = stored.find((p) => p.member_id === member.id)!;
        expect(period.reinstated_at).toBeNull();
        expect(period.started_at.getTime()).toBeLessThan(now.getTime());
        expect(member.self_exclusion_ends_at).toEqual(period.ends_at);
        expect(member.self_exclusion_changed_at).toEqual(period.started_at);
      }
    } finally {
      await seeded.close();
    }
  });
});
