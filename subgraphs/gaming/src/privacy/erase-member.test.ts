import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import { PACKAGE_PURCHASES } from '../packages/purchase-store';
import { GAMING_SESSIONS } from '../sessions/session-store';
import { insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { EraseGamingMemberDataDocument } from '../__generated__/operations';

const COMPLIANCE: Identity = { kind: 'service', service: 'compliance' };
const GENERAL_ADMIN: Identity = testIdentity('GeneralAdmin', { username: 'general' });

describe('eraseGamingMemberData (right to erasure)', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
  });
  afterAll(() => harness.close());

  it('keeps sessions and purchases under the member id and reports them', async () => {
    const memberId = randomUUID();
    const { baccarat } = standardGameTypes();
    await insertSessions(harness.db, [
      sessionFixture(baccarat, { member_id: memberId }),
      sessionFixture(baccarat, { member_id: memberId }),
      sessionFixture(baccarat),
    ]);
    await harness.db.collection(PACKAGE_PURCHASES).insertOne({
      id: randomUUID(),
      member_id: memberId,
      package_id: randomUUID(),
      package_name: 'Starter',
      price: toMoney('50.00'),
      credits_total: toMoney('60.00'),
      credits_remaining: toMoney('60.00'),
      purchased_at: new Date('2025-03-01T00:00:00Z'),
      expires_at: new Date('2025-03-02T00:00:00Z'),
    });
    const before = await harness.db
      .collection(GAMING_SESSIONS)
      .find({ member_id: memberId }, { projection: { _id: 0 } })
      .toArray();

    for (let run = 0; run < 2; run++) {
      const result = await harness.execute(
        EraseGamingMemberDataDocument,
        { memberId },
        { identity: COMPLIANCE },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        eraseGamingMemberData: {
          memberId,
          sessionsKept: 2,
          packagePurchasesKept: 1,
          personalFieldsCleared: 0,
        },
      });
    }
    const after = await harness.db
      .collection(GAMING_SESSIONS)
      .find({ member_id: memberId }, { projection: { _id: 0 } })
      .toArray();
    expect(after).toEqual(before);
  });

  it('is for services only', async () => {
    const result = await harness.execute(
      EraseGamingMemberDataDocument,
      { memberId: randomUUID() },
      { identity: GENERAL_ADMIN },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
