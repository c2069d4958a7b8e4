import type { AuditEvent } from '@casino/audit';
import { serviceAudit } from '@casino/server';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { loyaltySubgraph } from '../index';
import { LoyaltyJobs } from '../jobs/loyalty-jobs';
import type { MemberDocument } from '../members/member-store';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import { createStores } from '../stores';
import { Crash, admin, crashOnce, memberDocument } from '../testing';
import type { PostingStep } from '../testing';
import { SelfExclusionService } from './self-exclusion-service';
import type { SelfExclusionHooks } from './self-exclusion-service';
import { SELF_EXCLUSIONS } from './self-exclusion-store';
import type { SelfExclusionDocument } from './self-exclusion-store';

const STEPS: [string, PostingStep][] = [
  ['after storing the period, before flagging the member', 'afterRecord'],
  ['after flagging the member, before clearing the period mark', 'afterApply'],
];

/** A sweep that treats every period as old enough to be interrupted */
const LATER = () => new Date(Date.now() + 60_000);
const SUPERVISOR = admin('Supervisor');
const BY = (SUPERVISOR as { userId: string }).userId;

const MEMBER = /* GraphQL */ `
  query ($id: ID!) {
    member(id: $id) {
      selfExcluded
      selfExclusions {
        id
        length
        reinstatedAt
      }
    }
  }
`;

describe('self-exclusion converges after a crash between its writes', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const periods = () => harness.db.collection<SelfExclusionDocument>(SELF_EXCLUSIONS);
  const service = (hooks: SelfExclusionHooks = {}) => {
    const stores = createStores(harness.db);
    return new SelfExclusionService(stores.members, stores.selfExclusions, hooks);
  };
  /** The loyalty jobs with their audit trail kept in `events`, as the service records it. */
  const jobs = (events: AuditEvent[]) =>
    new LoyaltyJobs(harness.db, DEFAULT_LOYALTY_SETTINGS, {
      audit: serviceAudit('loyalty', (event) => events.push(event)),
    });
  const input = (memberId: string) => ({ memberId, length: 'ONE_YEAR', reason: 'asked at the desk' });

  async function insertMember() {
    const member = memberDocument();
    await members().insertOne({ ...member });
    return member;
  }

  /** What every check reads (the flag, through the API too), one period in effect, nothing left pending. */
  async function expectExcluded(memberId: string, periodCount = 1) {
    const stored = (await members().findOne({ id: memberId }))!;
    const kept = await periods().find({ member_id: memberId }).toArray();
    expect(kept).toHaveLength(periodCount);
    expect(kept.filter((p) => p.flag_pending)).toEqual([]);
    expect(stored.self_excluded).toBe(true);
    const latestEnd = Math.max(...kept.map((p) => p.ends_at!.getTime()));
    expect(stored.self_exclusion_ends_at).toEqual(new Date(latestEnd));
    const seen = await harness.execute<{ member: { selfExcluded: boolean } }>(MEMBER, { id: memberId });
    expect(seen.data!.member.selfExcluded).toBe(true);
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  describe.each(STEPS)('a crash %s', (_, step) => {
    it('the same request again finishes that period: the member flagged, no second period', async () => {
      const member = await insertMember();
      await expect(service(crashOnce(step)).record(input(member.id), BY)).rejects.toBeInstanceOf(Crash);
      const stray = (await periods().findOne({ member_id: member.id }))!;
      expect(stray.flag_pending).toBe(true);
      expect((await members().findOne({ id: member.id }))!.self_excluded).toBe(step === 'afterApply');
      const retried = await service().record(input(member.id), BY);
      expect(retried.period.id).toBe(stray.id);
      expect(retried.period).not.toHaveProperty('flag_pending');
      expect(retried.after).toMatchObject({
        self_excluded: true,
        self_exclusion_changed_at: stray.started_at,
      });
      await expectExcluded(member.id);
      expect((await members().findOne({ id: member.id }))!.self_exclusion_changed_at).toEqual(
        stray.started_at,
      );
    });

    it('another request for the member finishes the stray period first and adds its own', async () => {
      const member = await insertMember();
      await expect(service(crashOnce(step)).record(input(member.id), BY)).rejects.toBeInstanceOf(Crash);
      await service().record({ ...input(member.id), length: 'FIVE_YEARS' }, BY);
      await expectExcluded(member.id, 2);
    });

    it('without a retry the sweep flags the member once, audited as the service', async () => {
      const member = await insertMember();
      await expect(service(crashOnce(step)).record(input(member.id), BY)).rejects.toBeInstanceOf(Crash);
      const stray = (await periods().findOne({ member_id: member.id }))!;
      const events: AuditEvent[] = [];
      // a period younger than the interrupted-flow age may still be finishing: left alone
      expect(await jobs(events).finishSelfExclusions(new Date(Date.now() - 60_000))).toBe(0);
      expect((await periods().findOne({ id: stray.id }))!.flag_pending).toBe(true);
      expect(await jobs(events).finishSelfExclusions(LATER())).toBe(1);
      await expectExcluded(member.id);
      expect(events).toEqual([
        expect.objectContaining({
          action: 'finishSelfExclusion',
          actorUsername: 'service:loyalty',
          outcome: 'allowed',
          targetType: 'SelfExclusion',
          targetId: stray.id,
          changes: {
            before: {
              memberId: member.id,
              self_excluded: step === 'afterApply',
              self_exclusion_ends_at: step === 'afterApply' ? stray.ends_at!.toISOString() : null,
            },
            after: expect.objectContaining({ memberId: member.id, self_excluded: true }),
          },
        }),
      ]);
      expect(JSON.stringify(events)).not.toContain('asked at the desk');
      expect(await jobs(events).finishSelfExclusions(LATER())).toBe(0);
      expect(events).toHaveLength(1);
    });
  });

  it('the jobs pass runs the sweep and audits it as the service; a period without its member is removed', async () => {
    const member = await insertMember();
    await expect(service(crashOnce('afterRecord')).record(input(member.id), BY)).rejects.toBeInstanceOf(
      Crash,
    );
    // recorded long enough ago to count as interrupted
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await periods().updateOne({ member_id: member.id }, { $set: { started_at: longAgo } });
    const stray = (await periods().findOne({ member_id: member.id }, { projection: { _id: 0 } }))!;
    await periods().insertOne({ ...stray, id: 'orphan-period', member_id: 'no-such-member' });
    harness.auditEvents.length = 0;
    const ran = await harness.execute(`mutation { runLoyaltyJobs { selfExclusionsFinished } }`);
    expect(ran.errors).toBeUndefined();
    expect(ran.data).toEqual({ runLoyaltyJobs: { selfExclusionsFinished: 2 } });
    await expectExcluded(member.id);
    expect((await members().findOne({ id: member.id }))!.self_exclusion_changed_at).toEqual(longAgo);
    expect(await periods().countDocuments({ id: 'orphan-period' })).toBe(0);
    const finished = harness.auditEvents.filter((e) => e.action === 'finishSelfExclusion');
    expect(finished).toHaveLength(2);
    expect(finished).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          targetId: 'orphan-period',
          outcome: 'failed',
          actorUsername: 'service:loyalty',
        }),
        expect.objectContaining({ targetId: stray.id, outcome: 'allowed', actorUsername: 'service:loyalty' }),
      ]),
    );
  });

  it('a crash while reinstating leaves the member excluded; asking again lifts the flag', async () => {
    const member = await insertMember();
    const { period } = await service().record(input(member.id), BY);
    const ended = new Date('2025-02-01T00:00:00Z');
    await periods().updateOne(
      { id: period.id },
      { $set: { started_at: new Date('2024-02-01T00:00:00Z'), ends_at: ended } },
    );
    await members().updateOne(
      { id: member.id },
      {
        $set: { self_exclusion_changed_at: new Date('2024-02-01T00:00:00Z'), self_exclusion_ends_at: ended },
      },
    );
    const manager = (admin('Manager') as { userId: string }).userId;
    await expect(service(crashOnce('afterRecord')).reinstate(member.id, manager)).rejects.toBeInstanceOf(
      Crash,
    );
    // the safe side: still excluded for every check
    expect((await members().findOne({ id: member.id }))!.self_excluded).toBe(true);
    const lifted = await service().reinstate(member.id, manager);
    expect(lifted.after.self_excluded).toBe(false);
    expect((await members().findOne({ id: member.id }))!.self_excluded).toBe(false);
    expect(await periods().find({ member_id: member.id }).toArray()).toEqual([
      expect.objectContaining({ id: period.id, reinstated_by: manager }),
    ]);
    expect((await periods().findOne({ id: period.id }))!.reinstated_at).not.toBeNull();
  });
});
