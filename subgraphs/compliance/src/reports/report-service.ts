import { randomUUID } from 'node:crypto';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { z } from 'zod';
import { adminOf } from '../admins/caller';
import type { Changed } from '../audit/changes';
import type { ComplianceSettings } from '../settings';
import type {
  ComplianceReportDocument,
  ComplianceReportFilterInput,
  ComplianceReportStatus,
  ComplianceReportStore,
  ComplianceReportType,
} from './compliance-report-store';
import { REPORT_BUILDERS } from './report-builders';
import type { ReportSources } from './report-builders';
import type { UpstreamLog } from './upstream';
import { complianceScore } from './score';
import { LocalTime } from '@casino/config';

export interface GenerateReportInput {
  reportType: ComplianceReportType;
  periodStart: Date;
  periodEnd: Date;
}

/** The regulatory body a report goes to */
const submittedToSchema = z.string().trim().min(1, 'must not be empty').max(200);

/**
 * Who may approve a submitted report: the shield lets SuperAdmins (and admins granted `reports:approve`)
 * through; here, never the admin who submitted it — four eyes on what goes to the regulator.
 */
const approveRule = 'a report is approved by someone other than the admin who submitted it';

/**
 * Compliance reports: generated from the owners' data, stored as completed (GeneralAdmin+) or as a draft (a
 * Manager's, completed by a GeneralAdmin+), then submitted to a regulator and approved. Every transition is one guarded single-document update, so of two concurrent attempts one wins
 * and the other gets CONFLICT.
 */
export class ComplianceReportService {
  constructor(
    private readonly reports: ComplianceReportStore,
    private readonly sources: ReportSources,
    private readonly settings: ComplianceSettings,
  ) {}

  /** A page of reports, newest first. */
  page(filter: ComplianceReportFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.reports.page(filter, args, paging);
  }

  /**
   * Builds and stores a report, `completed` or as a `draft`. `log`: where a failed call to a subgraph the report
   * depends on is logged (the request's logger).
   */
  async generate(
    identity: Identity,
    input: GenerateReportInput,
    log?: UpstreamLog,
    now = new Date(),
    status: 'completed' | 'draft' = 'completed',
  ): Promise<Changed<ComplianceReportDocument>> {
    const caller = adminOf(identity);
    const span = input.periodEnd.getTime() - input.periodStart.getTime();
    if (span <= 0) throw badUserInput('input.periodEnd', 'must be after periodStart');
    // counted in local calendar days: a period over a daylight-saving change is an hour longer or shorter
    const latestEnd = new LocalTime(this.settings.timeZone).plusDays(
      input.periodStart,
      this.settings.maxReportPeriodDays,
    );
    if (input.periodEnd.getTime() > latestEnd.getTime()) {
      throw badUserInput(
        'input.periodEnd',
        `the period must not exceed ${this.settings.maxReportPeriodDays} days`,
      );
    }
    // a dependency that is down throws SERVICE_UNAVAILABLE here, before anything is stored
    const content = await REPORT_BUILDERS[input.reportType](
      { from: input.periodStart, to: input.periodEnd },
      {
        ...this.sources,
        gaming: this.sources.gaming.loggingTo(log),
        loyalty: this.sources.loyalty.loggingTo(log),
      },
      this.settings,
      now,
    );
    const report: ComplianceReportDocument = {
      id: randomUUID(),
      report_type: input.reportType,
      report_period_start: input.periodStart,
      report_period_end: input.periodEnd,
      generated_by: caller.userId,
      status,
      completed_by: status === 'completed' ? caller.userId : null,
      completed_at: status === 'completed' ? now : null,
      summary: content.summary,
      violations: content.violations,
      recommendations: content.recommendations,
      file_path: null,
      submitted_to: null,
      submission_date: null,
      submitted_by: null,
      approved_by: null,
      approved_at: null,
      compliance_score: complianceScore(content.violations),
      created_at: now,
      updated_at: now,
    };
    await this.reports.insert(report);
    return { result: report, before: null, after: auditView(report) };
  }

  /** A draft becomes completed, ready to submit (the shield admits GeneralAdmin+). */
  async complete(
    identity: Identity,
    id: string,
    now = new Date(),
  ): Promise<Changed<ComplianceReportDocument>> {
    const caller = adminOf(identity);
    const updated = await this.reports.transitionIf(
      id,
      { status: 'draft' },
      { $set: { status: 'completed', completed_by: caller.userId, completed_at: now, updated_at: now } },
    );
    if (!updated) throw await this.refused(id, 'draft', 'completed');
    return { result: updated, before: { id, status: 'draft' }, after: auditView(updated) };
  }

  async submit(
    identity: Identity,
    id: string,
    submittedTo: string,
    now = new Date(),
  ): Promise<Changed<ComplianceReportDocument>> {
    const caller = adminOf(identity);
    const body = validateInput(submittedToSchema, submittedTo, 'submittedTo');
    const updated = await this.reports.transitionIf(
      id,
      { status: 'completed' },
      {
        $set: {
          status: 'submitted',
          submitted_to: body,
          submission_date: now,
          submitted_by: caller.userId,
          updated_at: now,
        },
      },
    );
    if (!updated) throw await this.refused(id, 'completed', 'submitted');
    return { result: updated, before: { id, status: 'completed' }, after: auditView(updated) };
  }

  async approve(
    identity: Identity,
    id: string,
    now = new Date(),
  ): Promise<Changed<ComplianceReportDocument>> {
    const caller = adminOf(identity);
    const current = await this.reports.findById(id);
    if (!current) throw notFound('ComplianceReport', id);
    if (current.status === 'submitted' && current.submitted_by === caller.userId) {
      throw forbiddenError(`You submitted this report, so another approver must approve it: ${approveRule}`);
    }
    const updated = await this.reports.transitionIf(
      id,
      { status: 'submitted', submitted_by: { $ne: caller.userId } },
      { $set: { status: 'approved', approved_by: caller.userId, approved_at: now, updated_at: now } },
    );
    if (!updated) throw await this.refused(id, 'submitted', 'approved');
    return { result: updated, before: { id, status: current.status }, after: auditView(updated) };
  }

  /** Why a guarded transition matched nothing: the report is unknown, or in another status. */
  private async refused(id: string, from: ComplianceReportStatus, to: ComplianceReportStatus) {
    const current = await this.reports.statusOf(id);
    if (!current) return notFound('ComplianceReport', id);
    return conflict(`Only a ${from} report can be ${to}; this one is ${current.status}`, 'id');
  }
}

/** What the audit trail keeps of a report: its identity and lifecycle, not every finding. */
function auditView(report: ComplianceReportDocument) {
  return {
    id: report.id,
    reportType: report.report_type,
    status: report.status,
    complianceScore: report.compliance_score,
    violations: report.violations.length,
    completedBy: report.completed_by ?? null,
    submittedTo: report.submitted_to,
    submittedBy: report.submitted_by ?? null,
    approvedBy: report.approved_by ?? null,
  };
}
