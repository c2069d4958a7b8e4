import type { Identity } from '@casino/auth';
import { LocalTime } from '@casino/config';
import { complianceSubgraph } from '@casino/compliance';
import { adminDoc } from '@casino/compliance/testing';
import { startServedSubgraph, startSubgraphHarness } from '@casino/testing';
import type { ServedSubgraph, SubgraphHarness } from '@casino/testing';
import { DEFAULT_WORKFORCE_SETTINGS, createWorkforceSubgraph, parseWorkforceSettings } from './index';
import { adminIdentity, courseDoc, staffDoc, useFixtureProtector } from './testing/fixtures';

/**
 * Due and expiry dates are N months after an instant by the property's calendar (PROPERTY_TIME_ZONE), not by
 * UTC's: near local midnight the UTC date is another day, and a daylight-saving change moves the UTC time.
 */
const ZONE = 'America/New_York';
const newYork = new LocalTime(ZONE);

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordTrainingCompletionInput!) {
    recordTrainingCompletion(input: $input) {
      status
      completedAt
      expiresAt
    }
  }
`;

const HIRE = /* GraphQL */ `
  mutation Hire($input: CreateStaffMemberInput!) {
    createStaffMember(input: $input) {
      hireDate
      nextReviewDue
    }
  }
`;

const REVIEW = /* GraphQL */ `
  mutation Review($input: CreatePerformanceReviewInput!) {
    createPerformanceReview(input: $input) {
      reviewPeriodEnd
      staffMember {
        nextReviewDue
      }
    }
  }
`;

const ids = {
  manager: '14000000-0000-4000-8000-000000000001',
  dealer: '14000000-0000-4000-8000-000000000002',
  monthly: '24000000-0000-4000-8000-000000000001',
  yearly: '24000000-0000-4000-8000-000000000002',
};
const manager = adminIdentity('14000000-0000-4000-8000-0000000000a1', 'Manager', 'Gaming');
const userIdOf = (identity: Identity) => (identity.kind === 'admin' ? identity.userId : '');

type Recorded = { recordTrainingCompletion: { status: string; completedAt: string; expiresAt: string } };
type Hired = { createStaffMember: { hireDate: string; nextReviewDue: string } };
type Reviewed = {
  createPerformanceReview: { reviewPeriodEnd: string; staffMember: { nextReviewDue: string } };
};

describe(`workforce dates in the property's time zone (${ZONE})`, () => {
  let harness: SubgraphHarness;
  let compliance: ServedSubgraph;

  beforeAll(async () => {
    compliance = await startServedSubgraph(complianceSubgraph);
    await compliance.db
      .collection('admin_users')
      .insertOne(adminDoc({ id: userIdOf(manager), role: 'Manager', staff_member_id: ids.manager }));
    harness = await startSubgraphHarness(
      createWorkforceSubgraph({ ...DEFAULT_WORKFORCE_SETTINGS, timeZone: ZONE }),
      { services: { compliance: compliance.clientAs('workforce') } },
    );
    useFixtureProtector(harness.protector);
    await harness.db
      .collection('staff_members')
      .insertMany([
        staffDoc(ids.manager, 'Mahesh', 'Gaming', null, { position: 'Pit Boss' }),
        staffDoc(ids.dealer, 'Dinesh', 'Gaming', ids.manager),
      ]);
    await harness.db
      .collection('training_courses')
      .insertMany([
        courseDoc(ids.monthly, 'Monthly Drill', { validity_months: 1 }),
        courseDoc(ids.yearly, 'Game Protection', { validity_months: 12 }),
      ]);
  });
  afterAll(async () => {
    await harness.close();
    await compliance.stop();
  });

  const complete = async (courseId: string, completedAt: string) => {
    const result = await harness.execute<Recorded>(RECORD, {
      input: { staffMemberId: ids.dealer, courseId, score: 90, completedAt },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.recordTrainingCompletion;
  };

  it('expires a completion near local midnight on the local date validityMonths later', async () => {
    // 23:30 EDT on 31 March 2026 (03:30Z on 1 April): expires 23:30 EDT on 31 March 2027
    const spring = await complete(ids.yearly, '2026-04-01T03:30:00.000Z');
    expect(spring).toMatchObject({ status: 'completed', expiresAt: '2027-04-01T03:30:00.000Z' });
    expect(newYork.localDate(new Date(spring.expiresAt))).toBe('2027-03-31');
    // 23:30 EST on 30 January 2026 (04:30Z on the 31st): a month on is 28 February local, not the 27th
    const january = await complete(ids.monthly, '2026-01-31T04:30:00.000Z');
    expect(january.expiresAt).toBe('2026-03-01T04:30:00.000Z');
    expect(newYork.localDate(new Date(january.expiresAt))).toBe('2026-02-28');
    // 00:30 EDT on 15 October 2025: a month on is 00:30 EST on 15 November (UTC arithmetic: the 14th, 23:30)
    const autumn = await complete(ids.monthly, '2025-10-15T04:30:00.000Z');
    expect(autumn).toMatchObject({ status: 'expired', expiresAt: '2025-11-15T05:30:00.000Z' });
    expect(newYork.localDate(new Date(autumn.expiresAt))).toBe('2025-11-15');
  });

  it('schedules the first review on the local date one interval after a hire near local midnight', async () => {
    // 23:30 EST on 28 February 2024 (04:30Z on the 29th, a leap day): due 23:30 EST on 28 February 2025
    const result = await harness.execute<Hired>(HIRE, {
      input: {
        employeeId: 'emp-3001',
        firstName: 'Lahiru',
        lastName: 'Perera',
        email: 'lahiru.perera@example.com',
        phone: '+94 77 555 0201',
        position: 'Dealer',
        department: 'Gaming',
        hireDate: '2024-02-29T04:30:00.000Z',
        salary: '40000.00',
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createStaffMember.nextReviewDue).toBe('2025-03-01T04:30:00.000Z');
    expect(newYork.localDate(new Date(result.data!.createStaffMember.nextReviewDue))).toBe('2025-02-28');
  });

  it('schedules the next review on the local date one interval after a period ending near local midnight', async () => {
    const result = await harness.execute<Reviewed>(
      REVIEW,
      {
        input: {
          staffMemberId: ids.dealer,
          reviewPeriodStart: '2023-03-01T05:00:00.000Z',
          reviewPeriodEnd: '2024-02-29T04:30:00.000Z',
          performanceScore: 80,
          commitmentScore: 85,
        },
      },
      { identity: manager },
    );
    expect(result.errors).toBeUndefined();
    const due = result.data!.createPerformanceReview.staffMember.nextReviewDue;
    expect(due).toBe('2025-03-01T04:30:00.000Z');
    expect(newYork.localDate(new Date(due))).toBe('2025-02-28');
  });

  it('allows a hire at most maxDaysHiredAhead local days ahead', async () => {
    const limit = newYork.plusDays(new Date(), 180).getTime();
    const hire = (employeeId: string, hireDate: number) =>
      harness.execute<Hired>(HIRE, {
        input: {
          employeeId,
          firstName: 'Nuwan',
          lastName: 'Fernando',
          email: `${employeeId}@example.com`,
          phone: '+94 77 555 0202',
          position: 'Dealer',
          department: 'Gaming',
          hireDate: new Date(hireDate).toISOString(),
          salary: '40000.00',
        },
      });
    const late = await hire('emp-3003', limit + 120_000);
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hireDate' });
    const inTime = await hire('emp-3002', limit - 60_000);
    expect(inTime.errors).toBeUndefined();
  });
});

describe('PROPERTY_TIME_ZONE for workforce', () => {
  it('defaults to UTC, reads an IANA zone and refuses an unknown one', () => {
    expect(parseWorkforceSettings({}).timeZone).toBe('UTC');
    expect(parseWorkforceSettings({ PROPERTY_TIME_ZONE: ZONE }).timeZone).toBe(ZONE);
    expect(() => parseWorkforceSettings({ PROPERTY_TIME_ZONE: 'America/New_Yrok' })).toThrow(
      /PROPERTY_TIME_ZONE/,
    );
  });
});
