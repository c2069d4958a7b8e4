import type { BaseContext } from '@apollo/server';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ConfigError } from '@casino/config';
import type { ProtectedFieldRotation } from '@casino/crypto';
import { parseSubgraphEnv } from '@casino/server';
import type { RequestBase, SubgraphDefinition } from '@casino/server';
import { keyRotationEnvs, startSubgraphHarness } from './subgraph-harness';
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

/** What a key change on a subgraph's sealed documents did: the records it re-sealed and how. */
export interface DocumentKeyChange {
  /** The ids `register` returned, one per document, in the order of the documents */
  ids: string[];
  /** Every re-seal call's progress of the first protected field, in order */
  calls: ProtectedFieldRotation[];
}

/**
 * A key change on a subgraph that seals documents, as an operator runs it (fresh keyrings from keyRotationEnvs):
 * starts it on the old keyring and `register`s each of `documents`; restarts it on both keyrings and runs
 * `readAll` (the test's expectations that every document reads back), re-seals through `reseal` in batches of
 * `batchSize` with `readAll` after every call, and runs `resealed` on that subgraph; then restarts it on the new
 * keyring only, runs `readAll` and `after` there, and stops it.
 */
export async function rotateKeysAndReseal<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  steps: {
    documents: readonly string[];
    register: (harness: SubgraphHarness, document: string) => Promise<string>;
    readAll: (harness: SubgraphHarness, ids: string[]) => Promise<void>;
    reseal: TypedDocumentNode<object, { batchSize: number }>;
    batchSize: number;
    resealed: (harness: SubgraphHarness, change: DocumentKeyChange) => Promise<void>;
    after: (harness: SubgraphHarness, change: DocumentKeyChange) => Promise<void>;
  },
): Promise<void> {
  const keyrings = keyRotationEnvs();
  const first = await startSubgraphHarness(definition, { env: keyrings.before });
  const ids: string[] = [];
  for (const document of steps.documents) ids.push(await steps.register(first, document));
  const rotating = await first.restart(keyrings.during);
  await steps.readAll(rotating, ids);
  // mid-way, old and new ciphertexts are both readable
  const calls = await resealInBatches(rotating, steps.reseal, steps.batchSize, () =>
    steps.readAll(rotating, ids),
  );
  await steps.resealed(rotating, { ids, calls });
  const after = await rotating.restart(keyrings.after);
  try {
    await steps.readAll(after, ids);
    await steps.after(after, { ids, calls });
  } finally {
    await after.close();
  }
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
