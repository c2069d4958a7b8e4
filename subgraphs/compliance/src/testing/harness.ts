import type { AdminIdentity } from '@casino/auth';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { accountOf } from './fixtures';
import { startTestGaming, startTestLoyalty } from './upstreams';
import type { TestUpstream } from './upstreams';

type HarnessOptions = NonNullable<Parameters<typeof startSubgraphHarness>[1]>;

/** The compliance subgraph under test, with the admin accounts of `admins` stored (actors are checked against them). */
export async function startComplianceHarness(
  admins: AdminIdentity[],
  options: HarnessOptions = {},
): Promise<SubgraphHarness> {
  const harness = await startSubgraphHarness(complianceSubgraph, options);
  if (admins.length > 0) await harness.db.collection(ADMIN_USERS).insertMany(admins.map((a) => accountOf(a)));
  return harness;
}

export interface ComplianceWithUpstreams {
  harness: SubgraphHarness;
  gaming: TestUpstream;
  loyalty: TestUpstream;
  /** Closes the harness, then stops both upstreams. */
  close(): Promise<void>;
}

/**
 * The compliance subgraph calling a real gaming and loyalty subgraph each (the reports read both), with the
 * admin accounts of `admins` stored.
 */
export async function startComplianceWithUpstreams(
  admins: AdminIdentity[],
): Promise<ComplianceWithUpstreams> {
  const [gaming, loyalty] = await Promise.all([startTestGaming(), startTestLoyalty()]);
  const stopUpstreams = () => Promise.all([gaming.stop(), loyalty.stop()]).then(() => undefined);
  try {
    const harness = await startComplianceHarness(admins, {
      services: { gaming: gaming.client, loyalty: loyalty.client },
    });
    return {
      harness,
      gaming,
      loyalty,
      close: async () => {
        await harness.close();
        await stopUpstreams();
      },
    };
  } catch (error) {
    await stopUpstreams();
    throw error;
  }
}
