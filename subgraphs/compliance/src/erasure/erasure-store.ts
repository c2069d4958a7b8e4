import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore, insertUnlessDuplicate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

/** The subgraphs that hold something about a member, in the order an erasure runs their steps. */
export const ERASURE_STEPS = ['loyalty', 'marketing', 'gaming', 'compliance'] as const;
export type ErasureSubgraph = (typeof ERASURE_STEPS)[number];

export type ErasureStatus = 'in_progress' | 'completed' | 'failed';

/** How one subgraph's step went in the latest attempt. */
export interface ErasureStepResult {
  status: 'completed' | 'failed';
  /** What the step anonymised, deleted or kept, by name (e.g. ledgerEntriesKept: 12) */
  counts: Record<string, number>;
  /** When the step finished; null when it failed */
  finished_at: Date | null;
  /** Why it failed, without any personal value (e.g. "marketing could not be reached") */
  error: string | null;
}

/** One member's erasure request (PDPA right to erasure); one per member, re-runs are new attempts on it. */
export interface ErasureRequestDocument {
  id: string;
  member_id: string;
  reason: string;
  request_reference: string | null;
  /** The admin user who asked for it (the first request), or null for a service */
  requested_by: string | null;
  requested_by_username: string | null;
  requested_at: Date;
  status: ErasureStatus;
  /** How many times the steps were run (1 for the first request) */
  attempts: number;
  last_attempt_at: Date;
  /** Per subgraph, the latest attempt's result; absent until the step has run */
  results: Partial<Record<ErasureSubgraph, ErasureStepResult>>;
  /** Subgraphs whose step failed in the latest attempt */
  failed_subgraphs: ErasureSubgraph[];
  /** When the latest attempt completed every step; null until then */
  completed_at: Date | null;
}

export const ERASURE_REQUESTS = 'erasure_requests';

export const erasureRequestIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  // one request per member: a repeated eraseMember resumes it
  { key: { member_id: 1 }, name: 'member_id_1', unique: true },
  { key: { requested_at: -1, id: -1 }, name: 'requested_at_-1_id_-1' },
];

export class ErasureRequestStore extends CollectionStore<ErasureRequestDocument> {
  constructor(db: Db) {
    super(db, ERASURE_REQUESTS);
  }

  findByMember(memberId: string) {
    return this.collection.findOne({ member_id: memberId }, { projection: { _id: 0 } });
  }

  /**
   * Starts an attempt: creates the member's request, or (when there is one already, also when two callers
   * race) marks it in progress again with one more attempt. Returns the request as the attempt starts.
   */
  async startAttempt(request: ErasureRequestDocument): Promise<ErasureRequestDocument> {
    if (await insertUnlessDuplicate(this.collection, request)) return request;
    const resumed = await this.collection.findOneAndUpdate(
      { member_id: request.member_id },
      {
        $set: { status: 'in_progress', last_attempt_at: request.last_attempt_at, completed_at: null },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!resumed) throw new Error('the erasure request disappeared while it was resumed');
    return resumed;
  }

  async recordStep(id: string, subgraph: ErasureSubgraph, result: ErasureStepResult): Promise<void> {
    await this.collection.updateOne({ id }, { $set: { [`results.${subgraph}`]: result } });
  }

  async finishAttempt(id: string, failed: ErasureSubgraph[], now: Date): Promise<ErasureRequestDocument> {
    const finished = await this.collection.findOneAndUpdate(
      { id },
      {
        $set: {
          status: failed.length === 0 ? 'completed' : 'failed',
          failed_subgraphs: failed,
          completed_at: failed.length === 0 ? now : null,
        },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!finished) throw new Error('the erasure request disappeared while it was finished');
    return finished;
  }

  /** Most recent requests first. */
  page(args: PageArgs, paging: PagingConfig) {
    return this.pageWhere({}, args, paging, { field: 'requested_at', direction: -1 });
  }
}
