import type { Db, Document, Filter } from 'mongodb';
import type { FieldProtector } from './protector';

/** A protected field of a collection whose documents are keyed by `id`. */
export interface ProtectedField {
  collection: string;
  field: string;
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
  let resealed = 0;
  for (const doc of batch) {
    const stored = doc[target.field] as string;
    const id = doc.id as string;
    const fresh = protector.reseal(stored, {
      collection: target.collection,
      field: target.field,
      documentId: id,
    });
    const result = await collection.updateOne(
      { id, [target.field]: stored },
      { $set: { [target.field]: fresh } },
    );
    resealed += result.modifiedCount;
  }
  const remaining = await collection.countDocuments(filter);
  return { collection: target.collection, field: target.field, resealed, remaining };
}
