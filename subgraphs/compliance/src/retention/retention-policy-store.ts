import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type RetentionDataCategory = 'member_data' | 'gaming_logs' | 'audit_logs' | 'marketing_data';
export const RETENTION_DATA_CATEGORIES: readonly RetentionDataCategory[] = [
  'member_data',
  'gaming_logs',
  'audit_logs',
  'marketing_data',
];
export type RetentionPolicyStatus = 'active' | 'inactive' | 'pending_approval';

export interface DataRetentionPolicyDocument {
  id: string;
  policy_name: string;
  data_category: RetentionDataCategory;
  retention_period_days: number;
  archive_after_days: number;
  auto_delete: boolean;
  encryption_required: boolean;
  backup_required: boolean;
  /** The PDPA ground for keeping the data */
  legal_basis: string;
  exceptions: string[];
  status: RetentionPolicyStatus;
  created_by: string;
  approved_by: string | null;
  approval_date: Date | null;
  next_review_date: Date;
  created_at: Date;
  updated_at: Date;
}

export interface RetentionPolicyFilterInput {
  dataCategory?: RetentionDataCategory | null;
  status?: RetentionPolicyStatus | null;
}

export const DATA_RETENTION_POLICIES = 'data_retention_policies';

export const retentionPolicyIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { data_category: 1, status: 1 }, name: 'data_category_1_status_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { status: 1, next_review_date: 1 }, name: 'status_1_next_review_date_1' },
];

/** The data retention report's figures: policies by status, categories with an active one, overdue ones. */
export interface RetentionPolicyFigures {
  byStatus: { _id: string; n: number }[];
  activeCategories: { _id: RetentionDataCategory }[];
  overdue: { id: string; policy_name: string; data_category: string; next_review_date: Date }[];
}

const afterUpdate = { returnDocument: 'after', projection: { _id: 0 } } as const;

/** The document field each key of the list filter matches (see equalityFilter). */
const DATA_RETENTION_POLICY_FILTER_FIELDS = { dataCategory: 'data_category', status: 'status' } as const;

export class RetentionPolicyStore extends CollectionStore<DataRetentionPolicyDocument> {
  constructor(db: Db) {
    super(db, DATA_RETENTION_POLICIES);
  }

  async insert(policy: DataRetentionPolicyDocument): Promise<void> {
    await this.collection.insertOne({ ...policy });
  }

  /** The policy's status alone (null when there is no such policy). */
  statusOf(id: string): Promise<Pick<DataRetentionPolicyDocument, 'status'> | null> {
    return this.collection.findOne({ id }, { projection: { _id: 0, status: 1 } });
  }

  /** Makes a pending policy active, unless its creator is the approver; null when it did not match. */
  approvePending(id: string, approverId: string, now: Date): Promise<DataRetentionPolicyDocument | null> {
    return this.collection.findOneAndUpdate(
      { id, status: 'pending_approval', created_by: { $ne: approverId } },
      { $set: { status: 'active', approved_by: approverId, approval_date: now, updated_at: now } },
      afterUpdate,
    );
  }

  /**
   * Retires (to inactive) the category's other active policies approved before the one approved at
   * `approvedAt` (ties broken by id).
   */
  async retireEarlierActive(category: RetentionDataCategory, id: string, approvedAt: Date): Promise<void> {
    await this.collection.updateMany(
      {
        data_category: category,
        status: 'active',
        id: { $ne: id },
        $or: [
          { approval_date: { $lt: approvedAt } },
          { approval_date: null },
          { approval_date: approvedAt, id: { $lt: id } },
        ],
      },
      { $set: { status: 'inactive', updated_at: approvedAt } },
    );
  }

  /** How many of the category's active policies were approved after the one approved at `approvedAt`. */
  countLaterActive(category: RetentionDataCategory, id: string, approvedAt: Date): Promise<number> {
    return this.collection.countDocuments({
      data_category: category,
      status: 'active',
      $or: [{ approval_date: { $gt: approvedAt } }, { approval_date: approvedAt, id: { $gt: id } }],
    });
  }

  /** Retires the policy if it is still active; null when it no longer was. */
  retireActive(id: string, now: Date): Promise<DataRetentionPolicyDocument | null> {
    return this.collection.findOneAndUpdate(
      { id, status: 'active' },
      { $set: { status: 'inactive', updated_at: now } },
      afterUpdate,
    );
  }

  /** Active or pending policies whose review date falls before `reviewBy`. */
  countDueForReview(reviewBy: Date): Promise<number> {
    return this.collection.countDocuments({
      status: { $in: ['active', 'pending_approval'] },
      next_review_date: { $lt: reviewBy },
    });
  }

  /** Every active, approved policy, by data category. */
  activeApproved(): Promise<DataRetentionPolicyDocument[]> {
    return this.collection
      .find({ status: 'active', approved_by: { $ne: null } }, { projection: { _id: 0 } })
      .sort({ data_category: 1 })
      .toArray();
  }

  /** Policies by status, categories with an active policy, and policies overdue for review at `now`. */
  async reportFigures(now: Date): Promise<RetentionPolicyFigures | undefined> {
    const [row] = await this.collection
      .aggregate<RetentionPolicyFigures>([
        {
          $facet: {
            byStatus: [{ $group: { _id: '$status', n: { $sum: 1 } } }],
            activeCategories: [{ $match: { status: 'active' } }, { $group: { _id: '$data_category' } }],
            overdue: [
              { $match: { status: { $in: ['active', 'pending_approval'] }, next_review_date: { $lt: now } } },
              { $project: { _id: 0, id: 1, policy_name: 1, data_category: 1, next_review_date: 1 } },
              { $sort: { next_review_date: 1 } },
            ],
          },
        },
      ])
      .toArray();
    return row;
  }

  page(input: RetentionPolicyFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, DATA_RETENTION_POLICY_FILTER_FIELDS, args, paging);
  }
}
