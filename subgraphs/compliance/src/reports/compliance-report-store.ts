import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type ComplianceReportType =
  'audit_trail' | 'data_retention' | 'kyc_compliance' | 'aml_report' | 'gambling_activity';
export type ComplianceReportStatus = 'draft' | 'completed' | 'submitted' | 'approved';

export type ViolationCategory =
  'aml' | 'kyc' | 'self_exclusion' | 'responsible_gambling' | 'data_protection' | 'access_control';
export type ViolationSeverity = 'low' | 'medium' | 'high' | 'critical';
export type ViolationStatus = 'open' | 'under_review' | 'resolved';

/** One finding of a report; `member_id` is set when it is about a loyalty member. */
export type ComplianceViolation = {
  id: string;
  category: ViolationCategory;
  severity: ViolationSeverity;
  status: ViolationStatus;
  description: string;
  detected_at: Date;
  member_id?: string;
  [detail: string]: unknown;
};

export interface ComplianceReportDocument {
  id: string;
  report_type: ComplianceReportType;
  report_period_start: Date;
  report_period_end: Date;
  generated_by: string;
  status: ComplianceReportStatus;
  summary: Record<string, unknown>;
  violations: ComplianceViolation[];
  recommendations: string[];
  file_path: string | null;
  /** The regulatory body it went to */
  submitted_to: string | null;
  submission_date: Date | null;
  /** The admin who submitted it; absent on reports stored before the lifecycle existed */
  submitted_by?: string | null;
  approved_by?: string | null;
  approved_at?: Date | null;
  /** 0 to 100 */
  compliance_score: number;
  created_at: Date;
  updated_at: Date;
}

export interface ComplianceReportFilterInput {
  reportType?: ComplianceReportType | null;
  status?: ComplianceReportStatus | null;
  periodFrom?: Date | null;
  periodTo?: Date | null;
}

/** What the reports say about one member. */
export interface MemberViolationStats {
  memberId: string;
  openViolations: number;
  amlFlagged: boolean;
  lastReportedAt: Date | null;
}

export interface MemberViolationRules {
  /** Violation statuses that still count against a member */
  unresolvedStatuses: readonly ViolationStatus[];
  /** Violation categories that flag a member for AML */
  amlCategories: readonly ViolationCategory[];
}

export const COMPLIANCE_REPORTS = 'compliance_reports';

export const complianceReportIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { report_type: 1, status: 1 }, name: 'report_type_1_status_1' },
  {
    key: { report_period_start: 1, report_period_end: 1 },
    name: 'report_period_start_1_report_period_end_1',
  },
  { key: { 'violations.member_id': 1 }, name: 'violations.member_id_1' },
  { key: { generated_by: 1 }, name: 'generated_by_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { status: 1 }, name: 'status_1' },
  { key: { 'violations.detected_at': 1 }, name: 'violations.detected_at_1' },
];

export class ComplianceReportStore {
  readonly collection: Collection<ComplianceReportDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ComplianceReportDocument>(COMPLIANCE_REPORTS);
  }

  page(input: ComplianceReportFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<ComplianceReportDocument> = {};
    if (input.reportType) filter.report_type = input.reportType;
    if (input.status) filter.status = input.status;
    // periods overlapping [periodFrom, periodTo)
    if (input.periodFrom) filter.report_period_end = { $gt: input.periodFrom };
    if (input.periodTo) filter.report_period_start = { $lt: input.periodTo };
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }

  /** Violation counts for many members in one aggregation; members never mentioned are left out. */
  async violationStatsByMember(
    memberIds: readonly string[],
    rules: MemberViolationRules,
  ): Promise<MemberViolationStats[]> {
    const ids = [...memberIds];
    const unresolved = { $in: ['$violations.status', [...rules.unresolvedStatuses]] };
    const rows = await this.collection
      .aggregate<{ _id: string; openViolations: number; amlFlagged: boolean; lastReportedAt: Date | null }>([
        { $match: { 'violations.member_id': { $in: ids } } },
        { $unwind: '$violations' },
        { $match: { 'violations.member_id': { $in: ids } } },
        {
          $group: {
            _id: '$violations.member_id',
            openViolations: { $sum: { $cond: [unresolved, 1, 0] } },
            amlFlagged: {
              $max: {
                $cond: [
                  { $and: [unresolved, { $in: ['$violations.category', [...rules.amlCategories]] }] },
                  true,
                  false,
                ],
              },
            },
            lastReportedAt: { $max: '$created_at' },
          },
        },
      ])
      .toArray();
    return rows.map((row) => ({
      memberId: row._id,
      openViolations: row.openViolations,
      amlFlagged: row.amlFlagged,
      lastReportedAt: row.lastReportedAt ?? null,
    }));
  }
}
