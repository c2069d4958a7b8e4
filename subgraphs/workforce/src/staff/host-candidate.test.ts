import { randomUUID } from 'node:crypto';
import type { SubgraphHarness } from '@casino/testing';
import { LoyaltyHostCandidateDocument } from '../__generated__/operations';
import { GAMING_MANAGER, staffDoc, useFixtureProtector } from '../testing/fixtures';
import { startWorkforceHarness } from '../testing/harness';

/** The contract of the document loyalty sends before it assigns a host or shows a host's portfolio. */
describe('hostCandidate (loyalty service only)', () => {
  let harness: SubgraphHarness;
  const LOYALTY = { kind: 'service' as const, service: 'loyalty' };
  const active = randomUUID();
  const terminated = randomUUID();

  beforeAll(async () => {
    harness = await startWorkforceHarness(() => [
      staffDoc(active, 'Hana', 'Gaming', null),
      staffDoc(terminated, 'Fay', 'F&B', null, { employment_status: 'terminated' }),
    ]);
  });
  afterAll(async () => {
    useFixtureProtector(undefined);
    await harness.close();
  });

  it('answers loyalty with employment and department, null for an unknown id', async () => {
    const ask = (id: string) => harness.execute(LoyaltyHostCandidateDocument, { id }, { identity: LOYALTY });
    expect((await ask(active)).data!.hostCandidate).toEqual({
      id: active,
      active: true,
      department: 'Gaming',
    });
    expect((await ask(terminated)).data!.hostCandidate).toEqual({
      id: terminated,
      active: false,
      department: 'F&B',
    });
    expect((await ask(randomUUID())).data!.hostCandidate).toBeNull();
  });

  it('refuses admins and other services', async () => {
    for (const identity of [GAMING_MANAGER, { kind: 'service' as const, service: 'marketing' }]) {
      const result = await harness.execute(LoyaltyHostCandidateDocument, { id: active }, { identity });
      expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(result.data?.hostCandidate ?? null).toBeNull();
    }
  });
});
