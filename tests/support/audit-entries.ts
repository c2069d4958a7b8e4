import { IDENTITIES } from './stack-harness';
import type { TestStack } from './stack-harness';

/** The fields of an audit entry the stack tests read; a test's own entry type adds the others it asks for. */
export interface AuditEntryBase {
  action: string;
  outcome: string;
  role: string | null;
  targetType: string;
  targetId: string | null;
}

/** An auditLogs query taking `$filter` that reads the first 50 entries' `fields` (e.g. 'action outcome targetId'). */
export const auditLogsQuery = (fields: string) => /* GraphQL */ `
  query ($filter: AuditLogFilter) {
    auditLogs(filter: $filter, first: 50) {
      edges {
        node {
          ${fields}
        }
      }
    }
  }
`;

/**
 * The audit entries `query` (an auditLogs query taking `$filter`) lists for `filter`, polled as GeneralAdmin
 * until there are at least `count` (or `count` holds of them) or 15 s have passed: audit delivery is
 * asynchronous (the outbox, then compliance's API).
 */
export async function waitForAuditEntries<E>(
  stack: TestStack,
  query: string,
  filter: Record<string, unknown>,
  count: number | ((entries: E[]) => boolean) = 1,
): Promise<E[]> {
  const enough = typeof count === 'number' ? (entries: E[]) => entries.length >= count : count;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await stack.query<{ auditLogs: { edges: { node: E }[] } }>(
      query,
      { filter },
      { as: IDENTITIES.GeneralAdmin },
    );
    expect(result.errors).toBeUndefined();
    const entries = result.data!.auditLogs.edges.map((e) => e.node);
    if (enough(entries) || Date.now() > deadline) return entries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
