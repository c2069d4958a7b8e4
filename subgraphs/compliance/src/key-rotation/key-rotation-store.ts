import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type KeyRotationStatus = 'completed' | 'incomplete' | 'failed';

/** One protected field of one subgraph, as a run left it. */
export interface KeyRotationFieldProgress {
  subgraph: string;
  collection: string;
  field: string;
  /** Values this run re-sealed under the current key */
  resealed: number;
  /** Values still not sealed with the current key after the run's last batch */
  remaining: number;
  /** The key the subgraph now seals with */
  key_id: string;
}

/**
 * One `rotateEncryptionKey` run. It is stored `incomplete` with no `finished_at` when it starts (so a run
 * cut short by a crash shows as such), updated after every batch, and finished as `completed` (every field
 * at remaining 0), `incomplete` (maxBatches reached) or `failed` (a subgraph did not answer, or the
 * subgraphs seal with different current keys). A later run resumes whatever is left.
 */
export interface KeyRotationRunDocument {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  /** Admin user id of the SuperAdmin who started it */
  started_by: string;
  /** The current key id the subgraphs reported (null until one answered) */
  key_id: string | null;
  status: KeyRotationStatus;
  batch_size: number;
  max_batches: number;
  fields: KeyRotationFieldProgress[];
  /** The subgraphs that could not be reached (SERVICE_UNAVAILABLE), in the order they were called */
  failed_subgraphs: string[];
  /** Why the run failed; never holds a protected value */
  error: string | null;
}

export const KEY_ROTATIONS = 'key_rotations';

export const keyRotationIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { started_at: -1, id: -1 }, name: 'started_at_-1_id_-1' },
];

export class KeyRotationStore extends CollectionStore<KeyRotationRunDocument> {
  constructor(db: Db) {
    super(db, KEY_ROTATIONS);
  }

  /** Newest first. */
  page(args: PageArgs, paging: PagingConfig) {
    return this.pageWhere({}, args, paging, { field: 'started_at', direction: -1 });
  }

  async insert(run: KeyRotationRunDocument): Promise<void> {
    await this.collection.insertOne({ ...run });
  }

  async save(run: KeyRotationRunDocument): Promise<void> {
    const { id, ...rest } = run;
    await this.collection.updateOne({ id }, { $set: rest });
  }
}
