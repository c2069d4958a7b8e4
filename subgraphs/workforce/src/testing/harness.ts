import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { workforceSubgraph } from '../index';
import type { StaffMemberDocument } from '../staff/staff-store';
import { useFixtureProtector } from './fixtures';

/**
 * The workforce subgraph on a test harness, its fixtures sealed with the harness's keys from now on, holding the
 * staff `staff` builds (called once the keys are set, so their salaries read back).
 */
export async function startWorkforceHarness(
  staff: () => StaffMemberDocument[],
  options?: Parameters<typeof startSubgraphHarness>[1],
): Promise<SubgraphHarness> {
  const harness = await startSubgraphHarness(workforceSubgraph, options);
  useFixtureProtector(harness.protector);
  await harness.db.collection('staff_members').insertMany(staff());
  return harness;
}
