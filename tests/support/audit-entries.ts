import { IDENTITIES } from './stack-harness';
import type { TestStack } from './stack-harness';

/**
 * The audit entries `query` (an auditLogs query taking `$filter`) lists for `filter`, polled as GeneralAdmin
 * until there are at least `count` or 15 s have passed: audit delivery is asynchronous (the outbox, then
 * compliance's API).
 */
export async function waitForAuditEntries<E>(
  stack: TestStack,
  query: string,
  filter: Record<string, unknown>,
  count = 1,
): Promise<E[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await stack.query<{ auditLogs: { edges: { node: E }[] } }>(
      query,
      { filter },
      { as: IDENTITIES.GeneralAdmin },
    );
    expect(result.errors).toBeUndefined();
    const entries = result.data!.auditLogs.edges.map((e) => e.node);
    if (entries.length >= count || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
