import type { Db, Filter, IndexDescription, UpdateFilter } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
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
  /**
   * Who completed it and when: its generator at generation, or the GeneralAdmin who completed a draft; null
   * for a draft, absent on reports stored before drafts existed
   */
  completed_by?: string | null;
  completed_at?: Date | null;
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

/**
 * The reports whose findings count (a member's open violations, the dashboard's unresolved findings):
 * completed or later. A draft's findings are not yet the organisation's word.
 */
export const FINDINGS_COUNTED_IN: readonly ComplianceReportStatus[] = ['completed', 'submitted', 'approved'];

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

/** The dashboard's own figures: reports created in a range by status, unresolved findings by severity. */
export interface ReportDashboardFigures {
  reports: { _id: ComplianceReportStatus; n: number }[];
  violations: { _id: ViolationSeverity; n: number }[];
}

export class ComplianceReportStore extends CollectionStore<ComplianceReportDocument> {
  constructor(db: Db) {
    super(db, COMPLIANCE_REPORTS);
  }

  async insert(report: ComplianceReportDocument): Promise<void> {
    await this.collection.insertOne({ ...report });
  }

  /** The report's status alone (null when there is no such report). */
  statusOf(id: string): Promise<Pick<ComplianceReportDocument, 'status'> | null> {
    return this.collection.findOne({ id }, { projection: { _id: 0, status: 1 } });
  }

  /**
   * A guarded lifecycle step: applies `update` to the report only while it still matches `expected`, and
   * returns it as it is afterwards (null when it did not match: another step won, or it is unknown).
   */
  transitionIf(
    id: string,
    expected: Filter<ComplianceReportDocument>,
    update: UpdateFilter<ComplianceReportDocument>,
  ): Promise<ComplianceReportDocument | null> {
    return this.collection.findOneAndUpdate({ ...expected, id }, update, {
      returnDocument: 'after',
      projection: { _id: 0 },
    });
  }

  /**
   * Reports created in the range by status, and findings of completed (or later) reports detected in the
   * range and still in one of `unresolvedStatuses` by severity, in one $facet.
   */
  async dashboardFigures(
    from: Date,
    to: Date,
    unresolvedStatuses: readonly string[],
  ): Promise<ReportDashboardFigures | undefined> {
    const inRange = { $gte: from, $lt: to };
    const [row] = await this.collection
      .aggregate<ReportDashboardFigures>([
        { $match: { $or: [{ created_at: inRange }, { 'violations.detected_at': inRange }] } },
        {
          $facet: {
            reports: [{ $match: { created_at: inRange } }, { $group: { _id: '$status', n: { $sum: 1 } } }],
            violations: [
              { $match: { status: { $in: [...FINDINGS_COUNTED_IN] } } },
              { $unwind: '$violations' },
              {
                $match: {
                  'violations.detected_at': inRange,
                  'violations.status': { $in: [...unresolvedStatuses] },
                },
              },
              { $group: { _id: '$violations.severity', n: { $sum: 1 } } },
            ],
          },
        },
      ])
      .toArray();
    return row;
  }

  /**
   * The members with an unresolved AML finding in a completed, submitted or approved report (a retention
   * exception: `open_aml_case`). A draft's findings hold nothing: a Manager drafts it and only a GeneralAdmin
   * makes its findings the organisation's word by completing it; until then they hold no personal data.
   */
  async membersWithOpenAmlFindings(rules: MemberViolationRules): Promise<string[]> {
    const rows = await this.collection
      .aggregate<{ _id: string }>([
        {
          $match: {
            status: { $in: [...FINDINGS_COUNTED_IN] },
            'violations.category': { $in: [...rules.amlCategories] },
          },
        },
        { $unwind: '$violations' },
        {
          $match: {
            'violations.category': { $in: [...rules.amlCategories] },
            'violations.status': { $in: [...rules.unresolvedStatuses] },
            'violations.member_id': { $type: 'string' },
          },
        },
        { $group: { _id: '$violations.member_id' } },
      ])
      .toArray();
    return rows.map((row) => row._id);
  }

  /** How many findings name the member (by `member_id`). */
  async countFindingsAbout(memberId: string): Promise<number> {
    const [findings] = await this.collection
      .aggregate<{ n: number }>([
        { $match: { 'violations.member_id': memberId } },
        { $unwind: '$violations' },
        { $match: { 'violations.member_id': memberId } },
        { $count: 'n' },
      ])
      .toArray();
    return findings?.n ?? 0;
  }

  page(input: ComplianceReportFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<ComplianceReportDocument> = {};
    if (input.reportType) filter.report_type = input.reportType;
    if (input.status) filter.status = input.status;
    // periods overlapping [periodFrom, periodTo)
    if (input.periodFrom) filter.report_period_end = { $gt: input.periodFrom };
    if (input.periodTo) filter.report_period_start = { $lt: input.periodTo };
    return this.pageWhere(filter, args, paging);
  }

  /**
   * Violation counts for many members in one aggregation, from completed (or later) reports; members never
   * mentioned in one are left out.
   */
  async violationStatsByMember(
    memberIds: readonly string[],
    rules: MemberViolationRules,
  ): Promise<MemberViolationStats[]> {
    const ids = [...memberIds];
    const unresolved = { $in: ['$violations.status', [...rules.unresolvedStatuses]] };
    const rows = await this.collection
      .aggregate<{ _id: string; openViolations: number; amlFlagged: boolean; lastReportedAt: Date | null }>([
        { $match: { 'violations.member_id': { $in: ids }, status: { $in: [...FINDINGS_COUNTED_IN] } } },
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
