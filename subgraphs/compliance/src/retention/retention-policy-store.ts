import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
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

export class RetentionPolicyStore {
  readonly collection: Collection<DataRetentionPolicyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<DataRetentionPolicyDocument>(DATA_RETENTION_POLICIES);
  }

  page(input: RetentionPolicyFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<DataRetentionPolicyDocument> = {};
    if (input.dataCategory) filter.data_category = input.dataCategory;
    if (input.status) filter.status = input.status;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
