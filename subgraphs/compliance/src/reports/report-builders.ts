import { randomUUID } from 'node:crypto';
import {
  ComplianceAmlCashDocument,
  CompliancePlayVolumesDocument,
  ComplianceResponsibleGamingDocument,
} from '@casino/gaming/operations';
import type { ComplianceResponsibleGamingQueryVariables } from '@casino/gaming/operations';
import {
  ComplianceExpiringDocumentsDocument,
  ComplianceMembersKycDocument,
  ComplianceSelfExclusionWindowsDocument,
} from '@casino/loyalty/operations';
import type { ComplianceExpiringDocumentsQuery } from '@casino/loyalty/operations';
import type { AuditLogStore } from '../audit/audit-log-store';
import type { RetentionPolicyStore } from '../retention/retention-policy-store';
import type { RetentionRunStore } from '../retention/retention-run-store';
import { RETENTION_DATA_CATEGORIES } from '../retention/retention-policy-store';
import type { ComplianceSettings } from '../settings';
import { jurisdictionRulesOf } from '../settings';
import type {
  ComplianceReportType,
  ComplianceViolation,
  ViolationCategory,
  ViolationSeverity,
} from './compliance-report-store';
import { cents, moneyText } from './upstream';
import type { Upstream } from './upstream';
import { LocalTime } from '@casino/config';

export interface ReportPeriod {
  from: Date;
  to: Date;
}

/** What a report type computes; the service adds the score, status and bookkeeping. */
export interface ReportContent {
  summary: Record<string, unknown>;
  violations: ComplianceViolation[];
  recommendations: string[];
}

export interface ReportSources {
  gaming: Upstream;
  loyalty: Upstream;
  auditLogs: AuditLogStore;
  retentionPolicies: RetentionPolicyStore;
  /** The runs of retention enforcement, of which a data retention report lists the latest */
  retentionRuns: RetentionRunStore;
}

/** How many of the latest retention runs a data retention report lists */
export const RETENTION_RUNS_LISTED = 10;
/** Members asked of loyalty per `_entities` call */
const ENTITY_BATCH = 500;

function finding(
  category: ViolationCategory,
  severity: ViolationSeverity,
  description: string,
  now: Date,
  details: Record<string, unknown> = {},
): ComplianceViolation {
  return { id: randomUUID(), category, severity, status: 'open', description, detected_at: now, ...details };
}

const period = (p: ReportPeriod) => ({ from: p.from.toISOString(), to: p.to.toISOString() });

/**
 * AML (PRODUCT.md §5): gaming's cash per member per gaming day. A CTR entry for each member gaming day whose
 * cash in, or cash out (summed separately), is above the jurisdiction's CTR threshold — one entry per
 * direction; an MTL entry for each single transaction at or above the MTL threshold. CTR entries are findings
 * of medium severity (a report to file), MTL entries of low severity (to log).
 */
async function amlReport(p: ReportPeriod, sources: ReportSources, settings: ComplianceSettings, now: Date) {
  const rules = jurisdictionRulesOf(settings);
  const ctr = cents(rules.ctrThreshold);
  const mtl = cents(rules.mtlThreshold);
  const { amlCashSummary: days } = await sources.gaming.request(ComplianceAmlCashDocument, {
    ...period(p),
    dayStartHour: settings.gamingDayStartHour,
  });
  const violations: ComplianceViolation[] = [];
  let totalIn = 0n;
  let totalOut = 0n;
  let ctrCount = 0;
  let mtlCount = 0;
  for (const day of days) {
    const sums = { cash_in: cents(day.cashIn), cash_out: cents(day.cashOut) };
    totalIn += sums.cash_in;
    totalOut += sums.cash_out;
    for (const direction of ['cash_in', 'cash_out'] as const) {
      if (sums[direction] <= ctr) continue;
      ctrCount += 1;
      violations.push(
        finding(
          'aml',
          'medium',
          `Currency Transaction Report required: ${direction.replace('_', ' ')} of ${moneyText(sums[direction])} on gaming day ${day.gamingDay}`,
          now,
          {
            member_id: day.memberId,
            entry: 'ctr',
            gaming_day: day.gamingDay,
            direction,
            amount: moneyText(sums[direction]),
          },
        ),
      );
    }
    for (const tx of day.transactions) {
      if (cents(tx.amount) < mtl) continue;
      mtlCount += 1;
      violations.push(
        finding(
          'aml',
          'low',
          `Multiple Transaction Log entry: ${tx.kind.replace('_', ' ')} of ${moneyText(cents(tx.amount))}`,
          now,
          {
            member_id: day.memberId,
            entry: 'mtl',
            gaming_day: day.gamingDay,
            direction: tx.kind,
            amount: moneyText(cents(tx.amount)),
            session_id: tx.sessionId,
            at: tx.at,
          },
        ),
      );
    }
  }
  const recommendations: string[] = [];
  if (ctrCount > 0)
    recommendations.push(`File ${ctrCount} Currency Transaction Report(s) with the regulator.`);
  if (mtlCount > 0)
    recommendations.push(`Record ${mtlCount} transaction(s) on the Multiple Transaction Log.`);
  return {
    summary: {
      jurisdiction: settings.jurisdiction,
      ctrThreshold: rules.ctrThreshold,
      mtlThreshold: rules.mtlThreshold,
      gamingDayStartHour: settings.gamingDayStartHour,
      memberDays: days.length,
      members: new Set(days.map((d) => d.memberId)).size,
      totalCashIn: moneyText(totalIn),
      totalCashOut: moneyText(totalOut),
      ctrCount,
      mtlCount,
    },
    violations,
    recommendations,
  };
}

/**
 * KYC: members whose buy-ins in the period add up to more than the KYC play threshold (gaming computes who),
 * of whom loyalty says they are not KYC-verified: a high-severity finding each. Identity documents of active
 * members (loyalty's expiring-documents feed, walked page by page): one expired on the period end (its expiry
 * at or before the period end) is a high-severity finding, one expiring within the configured warning days after
 * the period end (after it, and before the end plus those days) a medium-severity one.
 */
async function kycReport(p: ReportPeriod, sources: ReportSources, settings: ComplianceSettings, now: Date) {
  const { compliancePlayVolumes: heavy } = await sources.gaming.request(CompliancePlayVolumesDocument, {
    ...period(p),
    minBuyIn: settings.kycPlayThreshold,
  });
  const verified = new Map<string, boolean>();
  for (let i = 0; i < heavy.length; i += ENTITY_BATCH) {
    const batch = heavy.slice(i, i + ENTITY_BATCH);
    const { _entities: members } = await sources.loyalty.request(ComplianceMembersKycDocument, {
      representations: batch.map((m) => ({ __typename: 'Member', id: m.memberId })),
    });
    for (const member of members) if (member && 'id' in member) verified.set(member.id, member.kycVerified);
  }
  const unverified = heavy
    .filter((m) => verified.get(m.memberId) === false)
    .map((m) =>
      finding(
        'kyc',
        'high',
        `Member is not KYC-verified but bought in ${m.buyIn} over ${m.sessionCount} session(s) in the period`,
        now,
        { member_id: m.memberId, buy_in: m.buyIn, session_count: m.sessionCount },
      ),
    );
  const unknown = heavy.filter((m) => !verified.has(m.memberId)).length;

  const warnUntil = new LocalTime(settings.timeZone).plusDays(p.to, settings.documentExpiryWarningDays);
  const expired: ComplianceViolation[] = [];
  const expiring: ComplianceViolation[] = [];
  for (let after: string | null = null; ;) {
    const { membersWithExpiringDocuments: page }: ComplianceExpiringDocumentsQuery =
      await sources.loyalty.request(ComplianceExpiringDocumentsDocument, {
        before: warnUntil.toISOString(),
        first: settings.documentExpiryPageSize,
        after,
      });
    for (const m of page.members) {
      const expiry = new Date(m.documentExpiry);
      const details = { member_id: m.memberId, document_expiry: expiry, kyc_verified: m.kycVerified };
      if (expiry.getTime() <= p.to.getTime()) {
        expired.push(
          finding('kyc', 'high', `Identity document expired on ${m.documentExpiry}`, now, details),
        );
      } else {
        expiring.push(
          finding(
            'kyc',
            'medium',
            `Identity document expires on ${m.documentExpiry}, within ${settings.documentExpiryWarningDays} days of the period end`,
            now,
            details,
          ),
        );
      }
    }
    if (!page.hasNextPage || page.endCursor === null) break;
    after = page.endCursor;
  }

  const recommendations: string[] = [];
  if (unverified.length > 0) {
    recommendations.push(
      `Complete KYC verification for ${unverified.length} member(s) before further play above the threshold.`,
    );
  }
  if (expired.length > 0) {
    recommendations.push(
      `Obtain a valid identity document from ${expired.length} member(s) whose document has expired.`,
    );
  }
  if (expiring.length > 0) {
    recommendations.push(
      `Ask ${expiring.length} member(s) to renew their identity document before it expires.`,
    );
  }
  return {
    summary: {
      playMeasure: 'buy_in',
      playThreshold: settings.kycPlayThreshold,
      membersAboveThreshold: heavy.length,
      unverifiedAboveThreshold: unverified.length,
      membersUnknownToLoyalty: unknown,
      documentExpiryWarningDays: settings.documentExpiryWarningDays,
      expiredDocuments: expired.length,
      expiringDocuments: expiring.length,
    },
    violations: [...unverified, ...expired, ...expiring],
    recommendations,
  };
}

/**
 * A member's play while self-excluded: the sessions started inside one of their windows of exclusion, with the
 * ids of the earliest (gaming lists at most 50 per window; a finding keeps at most as many over all of them).
 */
interface ExcludedPlay {
  memberId: string;
  sessionCount: number;
  firstSessionAt: string;
  sessionIds: string[];
}

/** The most session ids a self-exclusion finding lists (its description says when there are more). */
export const EXCLUDED_SESSION_IDS_LIMIT = 50;

/** What gaming's responsible-gaming summary needs besides the range, the members to watch and its clock. */
type SummaryArgs = Omit<ComplianceResponsibleGamingQueryVariables, 'from' | 'to' | 'watchMemberIds' | 'asOf'>;

/**
 * Only play during a self-exclusion is a breach (PRODUCT.md §5). Loyalty gives each member's windows of
 * exclusion over the period; each is cut to the period, and members sharing a window are watched in one call
 * of gaming's summary over exactly that window (sessions started in it). Most windows cover the whole period
 * (exclusions begun before it and still in effect), so their members ride on the period's own call (`whole`);
 * an exclusion that begins or ends inside the period costs one more call per distinct window.
 */
async function playWhileExcluded(
  p: ReportPeriod,
  sources: ReportSources,
  args: SummaryArgs,
  now: Date,
): Promise<{
  excludedMembers: number;
  whole: string[];
  play: (watched: ExcludedPlay[]) => Promise<ExcludedPlay[]>;
}> {
  const { selfExclusionsInEffect: windows } = await sources.loyalty.request(
    ComplianceSelfExclusionWindowsDocument,
    period(p),
  );
  const byWindow = new Map<string, { from: number; to: number; members: Set<string> }>();
  for (const window of windows) {
    const from = Math.max(window.from ? Date.parse(window.from) : p.from.getTime(), p.from.getTime());
    const to = Math.min(window.to ? Date.parse(window.to) : p.to.getTime(), p.to.getTime());
    if (from >= to) continue;
    const key = `${from}/${to}`;
    const entry = byWindow.get(key) ?? { from, to, members: new Set<string>() };
    entry.members.add(window.memberId);
    byWindow.set(key, entry);
  }
  const wholeKey = `${p.from.getTime()}/${p.to.getTime()}`;
  const whole = [...(byWindow.get(wholeKey)?.members ?? [])];
  const excludedMembers = new Set([...byWindow.values()].flatMap((w) => [...w.members])).size;
  const play = async (watched: ExcludedPlay[]) => {
    const found = [...watched];
    // one window at a time: a handful of calls at most, and gaming is not flooded by one report
    for (const [key, window] of byWindow) {
      if (key === wholeKey) continue;
      const { responsibleGamingSummary: part } = await sources.gaming.request(
        ComplianceResponsibleGamingDocument,
        {
          ...args,
          from: new Date(window.from).toISOString(),
          to: new Date(window.to).toISOString(),
          watchMemberIds: [...window.members],
          asOf: new Date(Math.min(now.getTime(), window.to)).toISOString(),
        },
      );
      found.push(...part.watchedMembers);
    }
    // a member excluded twice in the period (reinstated in between) has one finding for both windows, their
    // sessions in order (a member's windows do not overlap, so the earlier window's sessions come first)
    const byMember = new Map<string, ExcludedPlay>();
    for (const m of found.sort((a, b) => Date.parse(a.firstSessionAt) - Date.parse(b.firstSessionAt))) {
      const seen = byMember.get(m.memberId);
      byMember.set(
        m.memberId,
        seen
          ? {
              memberId: m.memberId,
              sessionCount: seen.sessionCount + m.sessionCount,
              firstSessionAt: seen.firstSessionAt,
              sessionIds: [...seen.sessionIds, ...m.sessionIds].slice(0, EXCLUDED_SESSION_IDS_LIMIT),
            }
          : { ...m, sessionIds: m.sessionIds.slice(0, EXCLUDED_SESSION_IDS_LIMIT) },
      );
    }
    return [...byMember.values()];
  };
  return { excludedMembers, whole, play };
}

/** What a self-exclusion finding says, and that its session ids are only the earliest when some are left out. */
function excludedPlayDescription(m: ExcludedPlay): string {
  const played = `Member played ${m.sessionCount} session(s) while self-excluded`;
  return m.sessionIds.length < m.sessionCount
    ? `${played} (the first ${m.sessionIds.length} listed)`
    : played;
}

/**
 * Responsible gaming over sessions started in the period (aggregated by gaming): sessions self-excluded members
 * started while their exclusion was in effect (high; play before an exclusion began or after a reinstatement
 * is no breach), sessions at least the configured long-session hours (low), member gaming days with a settled
 * loss above the large-loss threshold (medium).
 */
async function gamblingReport(
  p: ReportPeriod,
  sources: ReportSources,
  settings: ComplianceSettings,
  now: Date,
) {
  const args: SummaryArgs = {
    dayStartHour: settings.gamingDayStartHour,
    longSessionMinutes: settings.longSessionHours * 60,
    largeLoss: settings.largeLossThreshold,
  };
  const excluded = await playWhileExcluded(p, sources, args, now);
  const { responsibleGamingSummary: rg } = await sources.gaming.request(ComplianceResponsibleGamingDocument, {
    ...period(p),
    ...args,
    watchMemberIds: excluded.whole,
    asOf: new Date(Math.min(now.getTime(), p.to.getTime())).toISOString(),
  });
  const excludedPlay = await excluded.play(rg.watchedMembers);
  const violations: ComplianceViolation[] = [
    ...excludedPlay.map((m) =>
      finding('self_exclusion', 'high', excludedPlayDescription(m), now, {
        member_id: m.memberId,
        session_count: m.sessionCount,
        first_session_at: m.firstSessionAt,
        session_ids: m.sessionIds,
      }),
    ),
    ...rg.largeLossDays.map((d) =>
      finding('responsible_gambling', 'medium', `Lost ${d.netLoss} on gaming day ${d.gamingDay}`, now, {
        member_id: d.memberId,
        gaming_day: d.gamingDay,
        net_loss: d.netLoss,
        session_count: d.sessionCount,
      }),
    ),
    ...rg.longSessions.map((s) =>
      finding('responsible_gambling', 'low', `Session of ${s.durationMinutes} minutes`, now, {
        member_id: s.memberId,
        session_id: s.sessionId,
        session_start: s.sessionStart,
        duration_minutes: s.durationMinutes,
      }),
    ),
  ];
  const recommendations: string[] = [];
  if (excludedPlay.length > 0) {
    recommendations.push('Investigate how self-excluded members were seated and tighten the floor check.');
  }
  if (rg.largeLossDays.length + rg.longSessions.length > 0) {
    recommendations.push(
      'Offer responsible-gaming interventions to the members with long sessions or large losses.',
    );
  }
  return {
    summary: {
      sessions: rg.sessionCount,
      membersPlaying: rg.memberCount,
      selfExcludedMembers: excluded.excludedMembers,
      selfExcludedWithSessions: excludedPlay.length,
      longSessionHours: settings.longSessionHours,
      longSessions: rg.longSessions.length,
      largeLossThreshold: settings.largeLossThreshold,
      largeLossMemberDays: rg.largeLossDays.length,
    },
    violations,
    recommendations,
  };
}

/**
 * Compliance's own audit trail in the period, aggregated in MongoDB: entries by outcome, pii.read entries,
 * refused sign-ins (login entries not allowed), and actors with more denied attempts than the threshold
 * (medium each).
 */
async function auditReport(p: ReportPeriod, sources: ReportSources, settings: ComplianceSettings, now: Date) {
  const row = await sources.auditLogs.activityFigures(p.from, p.to, settings.deniedAttemptsThreshold);
  const byOutcome = { allowed: 0, denied: 0, failed: 0 } as Record<string, number>;
  for (const o of row?.outcomes ?? []) byOutcome[o._id] = o.n;
  const logins = { allowed: 0, denied: 0, failed: 0 } as Record<string, number>;
  for (const o of row?.logins ?? []) logins[o._id] = o.n;
  const violations = (row?.denied ?? []).map((d) =>
    finding(
      'access_control',
      'medium',
      `${d._id.name ?? d._id.id ?? 'an anonymous caller'} had ${d.n} denied attempts in the period`,
      now,
      { actor_id: d._id.id, actor_username: d._id.name, denied_attempts: d.n },
    ),
  );
  return {
    summary: {
      entries: byOutcome.allowed! + byOutcome.denied! + byOutcome.failed!,
      byOutcome,
      piiReads: row?.pii[0]?.n ?? 0,
      logins: { succeeded: logins.allowed, refused: logins.denied! + logins.failed! },
      lockouts: 'not recorded in the audit trail (a locked sign-in is refused like a wrong password)',
      deniedAttemptsThreshold: settings.deniedAttemptsThreshold,
      actorsAboveDeniedThreshold: violations.length,
    },
    violations,
    recommendations:
      violations.length > 0
        ? ['Review the accounts with repeated denied attempts and their permissions.']
        : [],
  };
}

/**
 * Retention policies as of now: by status, active or pending policies overdue for review (medium each),
 * data categories without an active policy (high each), and the latest runs of retention enforcement when
 * its collection exists (empty otherwise).
 */
async function retentionReport(_p: ReportPeriod, sources: ReportSources, _s: ComplianceSettings, now: Date) {
  const row = await sources.retentionPolicies.reportFigures(now);
  const byStatus = { active: 0, inactive: 0, pending_approval: 0 } as Record<string, number>;
  for (const s of row?.byStatus ?? []) byStatus[s._id] = s.n;
  const covered = new Set((row?.activeCategories ?? []).map((c) => c._id));
  const uncovered = RETENTION_DATA_CATEGORIES.filter((c) => !covered.has(c));
  const runs = await sources.retentionRuns.latest(RETENTION_RUNS_LISTED);
  const violations = [
    ...uncovered.map((category) =>
      finding('data_protection', 'high', `No active retention policy for ${category}`, now, {
        data_category: category,
      }),
    ),
    ...(row?.overdue ?? []).map((policy) =>
      finding('data_protection', 'medium', `Policy "${policy.policy_name}" is overdue for review`, now, {
        policy_id: policy.id,
        data_category: policy.data_category,
        next_review_date: policy.next_review_date,
      }),
    ),
  ];
  const recommendations: string[] = [];
  if (uncovered.length > 0) recommendations.push(`Adopt retention policies for: ${uncovered.join(', ')}.`);
  if ((row?.overdue ?? []).length > 0) recommendations.push('Review the policies past their review date.');
  return {
    summary: {
      policiesByStatus: byStatus,
      categoriesWithoutActivePolicy: uncovered,
      overdueForReview: (row?.overdue ?? []).length,
      lastRetentionRuns: runs,
    },
    violations,
    recommendations,
  };
}

export const REPORT_BUILDERS: Record<
  ComplianceReportType,
  (p: ReportPeriod, sources: ReportSources, settings: ComplianceSettings, now: Date) => Promise<ReportContent>
> = {
  aml_report: amlReport,
  kyc_compliance: kycReport,
  gambling_activity: gamblingReport,
  audit_trail: auditReport,
  data_retention: retentionReport,
};
