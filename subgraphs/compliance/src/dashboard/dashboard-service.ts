import type { DashboardCache } from '@casino/cache';
import { ComplianceCashCountsDocument } from '@casino/gaming/operations';
import { ComplianceMemberCountsDocument } from '@casino/loyalty/operations';
import { checkDashboardRange } from '@casino/graphql';
import type {
  ComplianceReportStatus,
  ComplianceReportStore,
  ViolationSeverity,
} from '../reports/compliance-report-store';
import type { Upstream, UpstreamLog } from '../reports/upstream';
import type { RetentionPolicyStore } from '../retention/retention-policy-store';
import type { ComplianceSettings } from '../settings';
import { jurisdictionRulesOf } from '../settings';
import { LocalTime } from '@casino/config';

const SEVERITIES: readonly ViolationSeverity[] = ['critical', 'high', 'medium', 'low'];
const REPORT_STATUSES: readonly ComplianceReportStatus[] = ['draft', 'completed', 'submitted', 'approved'];
/** Violation statuses that still count as open on the dashboard */
const UNRESOLVED = ['open', 'under_review'];

export interface DashboardRange {
  from: Date;
  to: Date;
}

/** Shaped like the GraphQL ComplianceDashboard type. */
export interface ComplianceDashboardResult {
  from: Date;
  to: Date;
  memberCount: number;
  kycVerifiedCount: number;
  kycRate: number | null;
  selfExcludedCount: number;
  ctrCount: number;
  mtlCount: number;
  openViolations: { severity: ViolationSeverity; count: number }[];
  reportsByStatus: { status: ComplianceReportStatus; count: number }[];
  policiesDueForReview: number;
  policyReviewWindowDays: number;
}

/**
 * Compliance KPIs: member figures from loyalty's and CTR/MTL counts from gaming's service aggregates (nothing
 * but the counts crosses the wire), compliance's own figures from one $facet over the reports and one count
 * of policies. The three run in parallel. The upstream calls go as compliance's service identity, so every
 * caller allowed to ask gets the same figures: they are cached per range alone (an upstream failure never is).
 */
export class ComplianceDashboardService {
  constructor(
    private readonly stores: { reports: ComplianceReportStore; retentionPolicies: RetentionPolicyStore },
    private readonly upstream: { gaming: Upstream; loyalty: Upstream },
    private readonly settings: ComplianceSettings,
    private readonly cache: DashboardCache,
  ) {}

  /** `log`: where a failed upstream call is logged (the request's logger). */
  async dashboard(range: DashboardRange, log?: UpstreamLog): Promise<ComplianceDashboardResult> {
    checkDashboardRange(range, this.settings);
    return this.cache.figures({ dashboard: 'complianceDashboard', scope: {}, range }, () =>
      this.compute(range, new Date(), log),
    );
  }

  private async compute(
    range: DashboardRange,
    now: Date,
    log: UpstreamLog | undefined,
  ): Promise<ComplianceDashboardResult> {
    const rules = jurisdictionRulesOf(this.settings);
    const reviewBy = new LocalTime(this.settings.timeZone).plusDays(
      now,
      this.settings.policyReviewDueWithinDays,
    );
    const [members, cash, own, due] = await Promise.all([
      this.upstream.loyalty.loggingTo(log).request(ComplianceMemberCountsDocument, {}),
      this.upstream.gaming.loggingTo(log).request(ComplianceCashCountsDocument, {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        dayStartHour: this.settings.gamingDayStartHour,
        ctrThreshold: rules.ctrThreshold,
        mtlThreshold: rules.mtlThreshold,
      }),
      this.ownFigures(range),
      this.stores.retentionPolicies.countDueForReview(reviewBy),
    ]);
    const m = members.complianceMemberCounts;
    return {
      from: range.from,
      to: range.to,
      memberCount: m.memberCount,
      kycVerifiedCount: m.kycVerifiedCount,
      kycRate: m.memberCount > 0 ? m.kycVerifiedCount / m.memberCount : null,
      selfExcludedCount: m.selfExcludedCount,
      ctrCount: cash.complianceCashCounts.ctrCount,
      mtlCount: cash.complianceCashCounts.mtlCount,
      openViolations: SEVERITIES.map((severity) => ({ severity, count: own.violations.get(severity) ?? 0 })),
      reportsByStatus: REPORT_STATUSES.map((status) => ({ status, count: own.reports.get(status) ?? 0 })),
      policiesDueForReview: due,
      policyReviewWindowDays: this.settings.policyReviewDueWithinDays,
    };
  }

  /** Reports created in the range by status, and unresolved findings detected in the range by severity. */
  private async ownFigures(range: DashboardRange) {
    const row = await this.stores.reports.dashboardFigures(range.from, range.to, UNRESOLVED);
    return {
      reports: new Map((row?.reports ?? []).map((r) => [r._id, r.n])),
      violations: new Map((row?.violations ?? []).map((v) => [v._id, v.n])),
    };
  }
}
