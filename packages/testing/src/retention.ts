import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Identity } from '@casino/auth';
import type { RetentionCounts } from '@casino/mongo';
import type { HarnessResult, SubgraphHarness } from './subgraph-harness';

/** The clock retention tests run the policy at, and the instants before it their records carry. */
export const RETENTION_NOW = new Date('2026-06-01T00:00:00Z');
export const retentionAgo = (days: number, minutes = 0): Date =>
  new Date(RETENTION_NOW.getTime() - days * 86_400_000 - minutes * 60_000);

export interface RetentionTotals {
  archived: number;
  deleted: number;
  anonymised: number;
  /** Of the last call */
  skipped: number;
  /** Of the last call */
  remaining: number;
  /** Calls made */
  batches: number;
}

/**
 * A subgraph's retention operation as compliance sends it (as the compliance service, in batches of two, at
 * RETENTION_NOW, with the test's policy defaults): `apply` is one call, `run` calls until nothing is left (at
 * most 50 calls) and adds the counts up, failing on a call that answers errors.
 */
export function retentionOperation<T extends object, V extends { input: object }>(
  harness: () => SubgraphHarness,
  document: TypedDocumentNode<T, V>,
  policy: Record<string, unknown>,
) {
  const compliance: Identity = { kind: 'service', service: 'compliance' };
  const apply = (
    input: Record<string, unknown> = {},
    identity: Identity = compliance,
  ): Promise<HarnessResult<T>> =>
    harness().execute(
      document,
      {
        input: { autoDelete: false, batchSize: 2, now: RETENTION_NOW.toISOString(), ...policy, ...input },
      } as V,
      { identity },
    );
  const run = async (input: Record<string, unknown> = {}): Promise<RetentionTotals> => {
    const total = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0, batches: 0 };
    do {
      const result = await apply(input);
      if (result.errors || !result.data)
        throw new Error(`retention failed: ${JSON.stringify(result.errors)}`);
      const [counts] = Object.values(result.data) as RetentionCounts[];
      total.archived += counts.archived;
      total.deleted += counts.deleted;
      total.anonymised += counts.anonymised;
      total.skipped = counts.skipped;
      total.remaining = counts.remaining;
      total.batches += 1;
    } while (total.remaining > 0 && total.batches < 50);
    return total;
  };
  return { apply, run };
}
