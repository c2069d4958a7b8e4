import { randomUUID } from 'node:crypto';
import type { Identity } from '@casino/auth';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { STAFF_MEMBER_OF_ADMIN } from '@casino/workforce';
import { complianceSubgraph } from '../index';
import { adminDoc } from '../testing/fixtures';
import { ADMIN_USERS } from './admin-user-store';

const WORKFORCE: Identity = { kind: 'service', service: 'workforce' };

/**
 * Compliance's side of the look-up workforce sends to learn which staff record an admin account belongs to:
 * workforce's own document (compliance depends on workforce, so it cannot live on compliance's side).
 */
describe('the staff link of an admin account, as workforce asks for it', () => {
  let harness: SubgraphHarness;
  const staffMemberId = randomUUID();
  const linked = adminDoc({ staff_member_id: staffMemberId });
  const unlinked = adminDoc();

  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
    await harness.db.collection(ADMIN_USERS).insertMany([{ ...linked }, { ...unlinked }]);
  });
  afterAll(() => harness.close());

  const ask = (id: string, identity: Identity) =>
    harness.execute(
      STAFF_MEMBER_OF_ADMIN,
      { representations: [{ __typename: 'AdminUser', id }] },
      { identity },
    );

  it('answers the linked staff member, or none', async () => {
    const answer = await ask(linked.id, WORKFORCE);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ _entities: [{ staffMember: { id: staffMemberId } }] });
    const none = await ask(unlinked.id, WORKFORCE);
    expect(none.errors).toBeUndefined();
    expect(none.data).toEqual({ _entities: [{ staffMember: null }] });
  });

  it('refuses an admin signed in at the gateway', async () => {
    const answer = await ask(linked.id, testIdentity('Manager'));
    expect(answer.data).not.toEqual({ _entities: [{ staffMember: { id: staffMemberId } }] });
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
