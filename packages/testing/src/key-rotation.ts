import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ConfigError } from '@casino/config';
import type { ProtectedFieldRotation } from '@casino/crypto';
import { parseSubgraphEnv } from '@casino/server';
import type { SubgraphHarness } from './subgraph-harness';

/**
 * Calls a subgraph's `reseal<Name>ProtectedFields` operation (its typed document) as compliance until its first
 * field has nothing left (at most 10 calls), running `between` after every call (a test reads its data back
 * there); each call's progress of that field, in order. A call answering errors fails.
 */
export async function resealInBatches(
  harness: SubgraphHarness,
  mutation: TypedDocumentNode<object, { batchSize: number }>,
  batchSize: number,
  between: () => Promise<void> = async () => undefined,
): Promise<ProtectedFieldRotation[]> {
  const calls: ProtectedFieldRotation[] = [];
  do {
    const result = await harness.execute(
      mutation as TypedDocumentNode<Record<string, ProtectedFieldRotation[]>, { batchSize: number }>,
      { batchSize },
      { identity: { kind: 'service', service: 'compliance' } },
    );
    if (result.errors || !result.data) throw new Error(`re-seal failed: ${JSON.stringify(result.errors)}`);
    const [progress] = Object.values(result.data)[0]!;
    calls.push(progress!);
    await between();
  } while (calls.at(-1)!.remaining > 0 && calls.length < 10);
  return calls;
}

/**
 * The configuration problems a subgraph that holds personal data reports when its environment has no data
 * keys; fails unless it refuses with a ConfigError.
 */
export function problemsWithoutDataKeys(definition: Parameters<typeof parseSubgraphEnv>[0]): string {
  try {
    parseSubgraphEnv(definition, { MONGODB_URI: 'mongodb://127.0.0.1:27017', NODE_ENV: 'test' });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error(`${definition.name} started without data keys`);
}
