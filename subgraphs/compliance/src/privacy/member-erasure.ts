import { redact } from '@casino/audit';
import type { AuditLogStore } from '../audit/audit-log-store';
import type { ComplianceReportStore } from '../reports/compliance-report-store';

/**
 * Free-text and free-form keys an audit entry may carry about a member (notification texts, guest notes,
 * preferences, reasons typed by an operator). The shared redaction already hides names, contact details and
 * identity documents; for an erased member these go too.
 */
export const ERASED_AUDIT_KEYS = new Set(
  [
    'title',
    'content',
    'notes',
    'reason',
    'metadata',
    'preferences',
    'self_exclusion_reason',
    'selfExclusionReason',
    'nationality',
  ].map((key) => key.toLowerCase()),
);

export const ERASED_VALUE = '[erased]';

/** Keys in `changes.before` / `changes.after` that name the member a change was about. */
const MEMBER_REFERENCE_KEYS = ['member_id', 'memberId', 'recipient_id', 'recipientId', 'converted_member_id'];

/** The audit entries of the erasure itself keep their (operator-written) reason. */
const ERASURE_ACTION = /^erase/;

export interface ComplianceMemberErasure {
  /** Audit entries about the member, or about records erased with them (notifications, guest visits) */
  auditEntriesAboutMember: number;
  /** Of those, entries whose changes still held a value that is now erased */
  auditEntriesScrubbed: number;
  /** Report findings about the member, kept: they name the member by id only */
  reportFindingsKept: number;
}

function scrub(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] =
        ERASED_AUDIT_KEYS.has(key.toLowerCase()) && item !== null && item !== ''
          ? ERASED_VALUE
          : scrub(item, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Compliance's step of a member's erasure. Audit entries stay (the trail is a legal record), but those about
 * the member (their id as target, or named in the changes) and about the records erased with them have
 * their `changes` redacted again with the shared redaction plus the free-text keys above. Report findings
 * name a member by `member_id` only (their descriptions are built from fixed texts and figures), so they are
 * counted and kept. Idempotent: a second run finds nothing left to scrub.
 */
export async function eraseComplianceMemberData(
  stores: { auditLogs: AuditLogStore; reports: ComplianceReportStore },
  memberId: string,
  relatedTargetIds: readonly string[] = [],
): Promise<ComplianceMemberErasure> {
  const about = {
    $or: [
      { target_id: { $in: [memberId, ...relatedTargetIds] } },
      { member_id: memberId },
      ...MEMBER_REFERENCE_KEYS.flatMap((key) => [
        { [`changes.before.${key}`]: memberId },
        { [`changes.after.${key}`]: memberId },
      ]),
    ],
  };
  const entries = await stores.auditLogs
    .findChangesOf(about)
    .then((found) => found.filter((entry) => !ERASURE_ACTION.test(entry.action)));
  const updates = entries.flatMap((entry) => {
    if (!entry.changes) return [];
    // stored changes were redacted when recorded; redacting again is harmless and covers older entries
    const cleaned = scrub(redact(entry.changes)) as Record<string, unknown>;
    if (JSON.stringify(cleaned) === JSON.stringify(entry.changes)) return [];
    return [{ id: entry.id, changes: cleaned }];
  });
  await stores.auditLogs.replaceChanges(updates);
  const findings = await stores.reports.countFindingsAbout(memberId);

  return {
    auditEntriesAboutMember: entries.length,
    auditEntriesScrubbed: updates.length,
    reportFindingsKept: findings,
  };
}
