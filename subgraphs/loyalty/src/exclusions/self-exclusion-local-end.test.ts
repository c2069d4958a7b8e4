import { LocalTime } from '@casino/config';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { loyaltySubgraph } from '../index';
import type { MemberDocument } from '../members/member-store';
import { createStores } from '../stores';
import { admin, memberDocument } from '../testing';
import { SelfExclusionService, exclusionEnd } from './self-exclusion-service';

const ZONE = 'America/New_York';
const newYork = new LocalTime(ZONE);
const at = (iso: string) => new Date(iso);

describe("a self-exclusion period ends by the property's calendar", () => {
  it('ends on the same local date and time the length later, near local midnight and across a change', () => {
    // 23:30 EST on 30 January 2026 (04:30Z on the 31st): six months on is 23:30 EDT on 30 July, not the 31st
    const summer = exclusionEnd(at('2026-01-31T04:30:00Z'), 'SIX_MONTHS', ZONE)!;
    expect(summer.toISOString()).toBe('2026-07-31T03:30:00.000Z');
    expect(newYork.localDate(summer)).toBe('2026-07-30');
    // 23:30 EST on 28 February 2024 (the 29th in UTC): a year on is 28 February 2025 local
    const year = exclusionEnd(at('2024-02-29T04:30:00Z'), 'ONE_YEAR', ZONE)!;
    expect(year.toISOString()).toBe('2025-03-01T04:30:00.000Z');
    expect(exclusionEnd(at('2024-02-29T04:30:00Z'), 'LIFETIME', ZONE)).toBeNull();
    // the default zone is UTC: plain calendar months, clamped to a shorter month
    expect(exclusionEnd(at('2024-08-31T12:00:00Z'), 'SIX_MONTHS')!.toISOString()).toBe(
      '2025-02-28T12:00:00.000Z',
    );
  });

  describe('recorded by the service with the property zone', () => {
    let harness: SubgraphHarness;
    beforeAll(async () => {
      harness = await startSubgraphHarness(loyaltySubgraph);
    });
    afterAll(() => harness.close());

    it('stores the local end on the period and the member', async () => {
      const member = memberDocument();
      await harness.db.collection<MemberDocument>('members').insertOne({ ...member });
      const stores = createStores(harness.db);
      const service = new SelfExclusionService(stores.members, stores.selfExclusions, {}, ZONE);
      const { period, after } = await service.record(
        { memberId: member.id, length: 'SIX_MONTHS', reason: 'asked at the desk' },
        (admin('Supervisor') as { userId: string }).userId,
        at('2026-01-31T04:30:00Z'),
      );
      // 23:30 EST on 30 January 2026 + six months: 23:30 EDT on 30 July (UTC arithmetic: 00:30 on the 31st)
      expect(period.ends_at?.toISOString()).toBe('2026-07-31T03:30:00.000Z');
      expect(after.self_exclusion_ends_at?.toISOString()).toBe('2026-07-31T03:30:00.000Z');
      expect(newYork.localDate(period.ends_at!)).toBe('2026-07-30');
    });
  });
});
