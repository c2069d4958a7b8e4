import type {
  ComplianceReportDocument,
  ComplianceViolation,
  ViolationCategory,
  ViolationSeverity,
  ViolationStatus,
} from './compliance-report-store';

/** One finding of a report as the API gives it (ComplianceFinding), from the stored snake_case entry. */
export interface ComplianceFindingView {
  id: string;
  severity: ViolationSeverity;
  category: ViolationCategory;
  status: ViolationStatus;
  description: string;
  detectedAt: Date;
  memberId: string | null;
  gamingDay: string | null;
  /** A decimal text such as "12500.00" */
  amount: string | null;
  sessionIds: string[];
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/** The amount a stored entry is about, whatever its report type named it (AML amount, KYC buy-in, loss). */
function amountOf(entry: ComplianceViolation): string | null {
  for (const key of ['amount', 'net_loss', 'buy_in']) {
    const value = entry[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value.toFixed(2);
    if (text(value)) return String(value);
  }
  return null;
}

function detectedAt(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

function sessionIdsOf(entry: ComplianceViolation): string[] {
  const many = entry.session_ids;
  if (Array.isArray(many)) return many.filter((id): id is string => typeof id === 'string');
  const one = text(entry.session_id);
  return one ? [one] : [];
}

/**
 * A report's findings, typed, optionally only those about one member. Entries stored before findings had
 * ids, statuses or detection times (older reports) get a stable id from the report and their position, `open`
 * and the report's creation time.
 */
export function findingsOf(
  report: ComplianceReportDocument,
  memberId?: string | null,
): ComplianceFindingView[] {
  const views: ComplianceFindingView[] = [];
  report.violations.forEach((entry, index) => {
    const member = text(entry.member_id);
    if (memberId != null && member !== memberId) return;
    const detected = entry.detected_at;
    views.push({
      id: text(entry.id) ?? `${report.id}:${index}`,
      severity: entry.severity,
      category: entry.category,
      status: entry.status ?? 'open',
      description: String(entry.description ?? ''),
      detectedAt: detectedAt(detected) ?? report.created_at,
      memberId: member,
      gamingDay: text(entry.gaming_day),
      amount: amountOf(entry),
      sessionIds: sessionIdsOf(entry),
    });
  });
  return views;
}
