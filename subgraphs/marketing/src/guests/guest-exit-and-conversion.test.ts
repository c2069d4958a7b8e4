import { Decimal128 } from 'mongodb';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { RECORD_GUEST_EXIT, REGISTER_WALK_IN_GUEST } from '../testing/walk-ins';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { WalkInGuestDocument } from './guest-store';
import { WALK_IN_GUESTS } from './guest-store';

const CONVERT = /* GraphQL */ `
  mutation ($input: ConvertWalkInGuestInput!) {
    convertWalkInGuest(input: $input) {
      id
      convertedToMember
      convertedMember {
        id
      }
      spendAmount
    }
  }
`;
const VISITS = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Member {
        id
        walkInVisits {
          id
          spendAmount
          exitTime
        }
      }
    }
  }
`;

const MEMBER_A = '50000000-0000-4000-8000-00000000000a';
const MEMBER_B = '50000000-0000-4000-8000-00000000000b';
let docNo = 0;

describe('walk-in guest exit and conversion', () => {
  let harness: SubgraphHarness;
  const guests = () => harness.db.collection<WalkInGuestDocument>(WALK_IN_GUESTS);
  const register = async () => {
    docNo += 1;
    const result = await harness.execute<{ registerWalkInGuest: { id: string } }>(REGISTER_WALK_IN_GUEST, {
      input: {
        firstName: 'Nimal',
        lastName: 'Perera',
        nationality: 'Sri Lanka',
        idDocument: `N8000000${docNo}V`,
        marketingConsent: true,
      },
    });
    expect(result.errors).toBeUndefined();
    return { id: result.data!.registerWalkInGuest.id, idDocument: `N8000000${docNo}V` };
  };
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  it('ends an open visit with spend, games and services, freeing the open-visit key, audited without it', async () => {
    const { id, idDocument } = await register();
    harness.auditEvents.length = 0;
    const before = Date.now();
    const result = await harness.execute<{ recordGuestExit: Record<string, unknown> }>(RECORD_GUEST_EXIT, {
      input: {
        id,
        spendAmount: '1250.50',
        gamesPlayed: ['Baccarat', 'Roulette', 'Baccarat'],
        servicesUsed: ['Restaurant'],
        notes: 'Interested in membership',
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordGuestExit).toMatchObject({
      spendAmount: '1250.50',
      gamesPlayed: ['Baccarat', 'Roulette'],
      servicesUsed: ['Restaurant'],
      notes: 'Interested in membership',
    });
    expect(Date.parse(result.data!.recordGuestExit.exitTime as string)).toBeGreaterThanOrEqual(before - 1000);
    const stored = await guests().findOne({ id });
    expect(stored).not.toHaveProperty('open_visit_key');
    expect(stored?.spend_amount).toBeInstanceOf(Decimal128);
    expect(harness.auditEvents).toHaveLength(1);
    expect(JSON.stringify(harness.auditEvents[0])).not.toContain('open_visit_key');
    expect(JSON.stringify(harness.auditEvents[0])).not.toContain(`${idDocument}:`);

    // the same document may come back the same day now that the first visit ended
    const again = await harness.execute(REGISTER_WALK_IN_GUEST, {
      input: {
        firstName: 'Nimal',
        lastName: 'Perera',
        nationality: 'Sri Lanka',
        idDocument,
        marketingConsent: true,
      },
    });
    expect(again.errors).toBeUndefined();
  });

  it('refuses a second exit as CONFLICT, even concurrently, and keeps the first', async () => {
    const { id } = await register();
    const results = await Promise.all(
      ['10.00', '20.00'].map((spendAmount) =>
        harness.execute(RECORD_GUEST_EXIT, { input: { id, spendAmount } }),
      ),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.find((r) => r.errors)?.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.id',
    });
    const later = await harness.execute(RECORD_GUEST_EXIT, { input: { id, spendAmount: '99.00' } });
    expect(later.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await guests().findOne({ id }))?.spend_amount.toString()).not.toBe('99.00');
  });

  it('validates the exit and answers NOT_FOUND for an unknown guest', async () => {
    const { id } = await register();
    const bad = await harness.execute(RECORD_GUEST_EXIT, { input: { id, spendAmount: '-1.00' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.spendAmount' });
    const badGame = await harness.execute(RECORD_GUEST_EXIT, {
      input: { id, spendAmount: '1.00', gamesPlayed: [' '] },
    });
    expect(badGame.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.gamesPlayed.0',
    });
    expect((await guests().findOne({ id }))?.exit_time).toBeNull();
    const missing = await harness.execute(RECORD_GUEST_EXIT, {
      input: { id: '30000000-0000-4000-8000-999999999999', spendAmount: '1.00' },
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lets every admin role record exits and conversions, but not anonymous callers or services', async () => {
    const { id } = await register();
    const anonymous = await harness.execute(
      RECORD_GUEST_EXIT,
      { input: { id, spendAmount: '1.00' } },
      { identity: AS.anonymous },
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const service = await harness.execute(
      CONVERT,
      { input: { id, memberId: MEMBER_A } },
      { identity: AS.service },
    );
    expect(service.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const supervisor = await harness.execute(
      RECORD_GUEST_EXIT,
      { input: { id, spendAmount: '1.00' } },
      { identity: AS.gamingSupervisor },
    );
    expect(supervisor.errors).toBeUndefined();
    const converted = await harness.execute(
      CONVERT,
      { input: { id, memberId: MEMBER_B } },
      { identity: AS.gamingSupervisor },
    );
    expect(converted.errors).toBeUndefined();
  });

  it('links a guest to a member once, keeping the visit, and the member sees their walk-in history', async () => {
    const first = await register();
    await harness.execute(RECORD_GUEST_EXIT, { input: { id: first.id, spendAmount: '300.00' } });
    const second = await register();
    harness.auditEvents.length = 0;
    const result = await harness.execute<{ convertWalkInGuest: Record<string, unknown> }>(CONVERT, {
      input: { id: first.id, memberId: MEMBER_A },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.convertWalkInGuest).toEqual({
      id: first.id,
      convertedToMember: true,
      convertedMember: { id: MEMBER_A },
      spendAmount: '300.00',
    });
    expect(harness.auditEvents).toHaveLength(1);
    expect(
      (await harness.execute(CONVERT, { input: { id: second.id, memberId: MEMBER_A } })).errors,
    ).toBeUndefined();

    const again = await harness.execute(CONVERT, { input: { id: first.id, memberId: MEMBER_B } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    expect((await guests().findOne({ id: first.id }))?.converted_member_id).toBe(MEMBER_A);

    const visits = await harness.execute<{ _entities: { id: string; walkInVisits: { id: string }[] }[] }>(
      VISITS,
      {
        representations: [
          { __typename: 'Member', id: MEMBER_A },
          { __typename: 'Member', id: MEMBER_B },
          { __typename: 'Member', id: '50000000-0000-4000-8000-0000000000ff' },
        ],
      },
    );
    expect(visits.errors).toBeUndefined();
    const [a, b, none] = visits.data!._entities;
    expect(a!.walkInVisits.map((v) => v.id).sort()).toEqual([first.id, second.id].sort());
    expect(b!.walkInVisits).toHaveLength(1);
    expect(none!.walkInVisits).toEqual([]);
    // one batched query for all three members' visits
    expect(visits.commands.filter((c) => c === 'find')).toHaveLength(1);
  });

  it('validates the conversion and answers NOT_FOUND for an unknown guest', async () => {
    const { id } = await register();
    const bad = await harness.execute(CONVERT, { input: { id, memberId: '  ' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.memberId' });
    const missing = await harness.execute(CONVERT, {
      input: { id: '30000000-0000-4000-8000-999999999999', memberId: MEMBER_A },
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
