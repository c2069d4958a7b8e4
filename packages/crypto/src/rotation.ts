import type { Db, Document, Filter } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { isEncrypted } from './field';
import type { FieldProtector } from './protector';

/** A protected field of a collection whose documents are keyed by `id`. */
export interface ProtectedField {
  collection: string;
  field: string;
  /**
   * The field's blind index, when it has one: a legacy plaintext value sealed by rotation gets its index
   * too, so it becomes findable by document number like every value written since.
   */
  lookupField?: string;
}

export interface RotationProgress {
  collection: string;
  field: string;
  /** Values re-sealed under the current key by this call */
  resealed: number;
  /** Values still not sealed with the current key after this call */
  remaining: number;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Documents whose field holds a string not sealed under the current key: sealed with an older key, or
 * plaintext from before encryption was switched on. One anchored pattern with a negative look-ahead, which
 * MongoDB and mongo-java-server read alike (a regex only ever matches strings).
 */
export function notSealedWithCurrentKey(field: string, currentKeyId: string): Filter<Document> {
  return { [field]: { $regex: `^(?!enc\\.v1\\.${escapeRegExp(currentKeyId)}\\.)` } };
}

/**
 * Re-seals up to `batchSize` values of one field under the current key (and seals any legacy plaintext). Each value is replaced with a
 * compare-and-set on the old ciphertext, so a write that lands in between wins and nothing is re-sealed from a
 * stale read; readers see either the old or the new ciphertext, both of which the keyring opens. Stopping
 * between batches (or mid-batch) loses nothing: the next call picks up whatever still carries an older key.
 */
export async function resealBatch(
  db: Db,
  target: ProtectedField,
  protector: FieldProtector,
  batchSize: number,
): Promise<RotationProgress> {
  const collection = db.collection(target.collection);
  const filter = notSealedWithCurrentKey(target.field, protector.currentKeyId);
  const batch = await collection
    .find(filter, { projection: { _id: 0, id: 1, [target.field]: 1 }, limit: batchSize })
    .toArray();
  // one unordered bulk write per batch: a round trip per value would dominate on a remote server
  const updates = batch.map((doc) => {
    const stored = doc[target.field] as string;
    const id = doc.id as string;
    const fresh = protector.reseal(stored, {
      collection: target.collection,
      field: target.field,
      documentId: id,
    });
    const set: Record<string, string> = { [target.field]: fresh };
    if (target.lookupField && !isEncrypted(stored)) set[target.lookupField] = protector.lookupKey(stored);
    return { updateOne: { filter: { id, [target.field]: stored }, update: { $set: set } } };
  });
  const resealed =
    updates.length > 0 ? (await collection.bulkWrite(updates, { ordered: false })).modifiedCount : 0;
  const remaining = await collection.countDocuments(filter);
  return { collection: target.collection, field: target.field, resealed, remaining };
}

/** Bounds of one re-sealing batch (per field and call). */
export const RESEAL_BATCH_LIMITS = { min: 1, max: 1_000 } as const;

/** A subgraph's answer to the key rotation: progress per field and the key values are now sealed with. */
export type ProtectedFieldRotation = RotationProgress & { keyId: string };

/**
 * What a subgraph's `reseal<Name>ProtectedFields(batchSize)` does: one `resealBatch` per protected field,
 * reported per field; the rotation (compliance's `rotateEncryptionKey`) calls again until every `remaining`
 * is 0.
 */
export async function resealProtectedFields(
  db: Db,
  protector: FieldProtector,
  fields: readonly ProtectedField[],
  batchSize: number,
): Promise<ProtectedFieldRotation[]> {
  assertResealBatchSize(batchSize);
  const progress: ProtectedFieldRotation[] = [];
  for (const field of fields) {
    const result = await resealBatch(db, field, protector, batchSize);
    progress.push({ ...result, keyId: protector.currentKeyId });
  }
  return progress;
}

/** BAD_USER_INPUT naming `batchSize` unless it is a whole number within RESEAL_BATCH_LIMITS. */
export function assertResealBatchSize(batchSize: number): void {
  if (
    !Number.isInteger(batchSize) ||
    batchSize < RESEAL_BATCH_LIMITS.min ||
    batchSize > RESEAL_BATCH_LIMITS.max
  ) {
    throw badUserInput(
      'batchSize',
      `must be a whole number from ${RESEAL_BATCH_LIMITS.min} to ${RESEAL_BATCH_LIMITS.max}`,
    );
  }
}
