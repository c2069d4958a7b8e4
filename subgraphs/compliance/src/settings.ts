import {
  ConfigError,
  DEFAULT_GAMING_DAY_START_HOUR,
  DEFAULT_PROPERTY_TIME_ZONE,
  gamingDayEnv,
  parseEnv,
  z,
} from '@casino/config';
import type { LoginThrottlePolicy } from './auth/login-throttle-store';
import type { MemberViolationRules } from './reports/compliance-report-store';

/** Tunable rules of sign-in, two-factor authentication and audit intake, with their defaults. */
export interface ComplianceSettings {
  /** How long a refresh token can be exchanged for a new pair */
  refreshTokenTtlSeconds: number;
  /** Failed sign-ins for one username from one address, within the window, that lock that pair */
  loginMaxFailures: number;
  /** The window in which failures are counted; it restarts with the first failure after it ends */
  loginFailureWindowMinutes: number;
  /** How long a locked username and address pair is refused, even with the right password */
  loginLockMinutes: number;
  /** Failed sign-ins for one username from all addresses, within the window, after which it is slowed down */
  loginSlowdownAfterFailures: number;
  /** The first wait of a slowed-down username; it doubles with each further failure */
  loginSlowdownBaseSeconds: number;
  /** The longest wait of a slowed-down username */
  loginSlowdownMaxSeconds: number;
  /** Failed sign-ins from one address, over all usernames, within its window, that refuse the address */
  loginAddressMaxFailures: number;
  /** The window of the per-address limit; the address is refused until it ends */
  loginAddressWindowSeconds: number;
  /** RFC 6238 time step; authenticator apps assume 30 s */
  totpStepSeconds: number;
  /** Steps of clock drift accepted either side of the current one */
  totpWindowSteps: number;
  /** The issuer authenticator apps show next to the account */
  totpIssuer: string;
  /** How long a begun two-factor enrolment waits for its confirming code */
  twoFactorEnrollmentMinutes: number;
  /** The password the demo admins are seeded with; a production start refuses while an active admin has it */
  demoPassword: string;
  /** The most audit events one recordAuditEvents call may carry */
  maxAuditEventsPerCall: number;
  /** Longest compliance report period, in days */
  maxReportPeriodDays: number;
  /** Longest complianceDashboard range, in days */
  maxDashboardRangeDays: number;
  /** The jurisdiction whose AML thresholds apply; one of `jurisdictions` */
  jurisdiction: string;
  /** AML rules per jurisdiction (PRODUCT.md §5) */
  jurisdictions: Record<string, JurisdictionRules>;
  /** Local hour (0-23) at which the property's gaming day starts: play before it counts for the previous day */
  gamingDayStartHour: number;
  /** The property's IANA time zone (PROPERTY_TIME_ZONE): gaming days, report periods and review dates are local */
  timeZone: string;
  /** Members not KYC-verified whose buy-ins in a report period add up to more than this are flagged */
  kycPlayThreshold: string;
  /** kyc_compliance: identity documents expiring within this many days after the period end are a finding */
  documentExpiryWarningDays: number;
  /** kyc_compliance: members asked of loyalty per page of expiring identity documents (loyalty allows 1,000) */
  documentExpiryPageSize: number;
  /** A session at least this long is an unusually long one (responsible gaming) */
  longSessionHours: number;
  /** A member's settled loss on one gaming day above this is a large loss (responsible gaming) */
  largeLossThreshold: string;
  /** Denied attempts by one actor in a report period above this are a finding */
  deniedAttemptsThreshold: number;
  /** A new retention policy is due for review this many days after it is created */
  retentionReviewIntervalDays: number;
  /** The dashboard counts policies whose review falls due within this many days */
  policyReviewDueWithinDays: number;
  /** rotateEncryptionKey: values re-sealed per call to a subgraph, when the caller names no batch size */
  keyRotationBatchSize: number;
  /** rotateEncryptionKey: most batches per subgraph in one run, when the caller names none (a rerun resumes) */
  keyRotationMaxBatches: number;
  /** Retention enforcement: records each step of an owner handles per call */
  retentionBatchSize: number;
  /** Retention enforcement: most owner calls in one run of a policy (the next run carries on) */
  retentionMaxBatches: number;
  /** Every active retention policy runs this often, in minutes; 0 disables the schedule */
  retentionRunIntervalMinutes: number;
  /**
   * The UTC time of day (`HH:MM`) the retention schedule's slots are counted from: with the daily interval,
   * every active policy runs once a day at this time; a restart neither repeats nor skips a day's run
   */
  retentionRunAt: string;
  /** A run of a policy still marked running after this long is taken as abandoned */
  retentionRunStaleMinutes: number;
  /**
   * How often, in minutes, the backfill of older audit entries' member ids runs (until it has seen every
   * entry, then a pass only reads its progress); 0 disables it
   */
  auditMemberBackfillIntervalMinutes: number;
  /** Audit entries the member id backfill reads per batch */
  auditMemberBackfillBatchSize: number;
  /** Most batches of the member id backfill in one pass (the next pass carries on) */
  auditMemberBackfillMaxBatches: number;
}

/** AML thresholds of one jurisdiction: decimal amounts in its currency. */
export interface JurisdictionRules {
  /** A member's cash in, or cash out, on one gaming day above this needs a Currency Transaction Report */
  ctrThreshold: string;
  /** A single cash transaction at or above this goes on the Multiple Transaction Log */
  mtlThreshold: string;
}

export const DEFAULT_JURISDICTION = 'default';

export const DEFAULT_DEMO_PASSWORD = 'demo-password-2026';

export const DEFAULT_COMPLIANCE_SETTINGS: ComplianceSettings = {
  refreshTokenTtlSeconds: 12 * 60 * 60,
  loginMaxFailures: 5,
  loginFailureWindowMinutes: 15,
  loginLockMinutes: 15,
  loginSlowdownAfterFailures: 10,
  loginSlowdownBaseSeconds: 1,
  loginSlowdownMaxSeconds: 30,
  loginAddressMaxFailures: 20,
  loginAddressWindowSeconds: 60,
  totpStepSeconds: 30,
  totpWindowSteps: 1,
  totpIssuer: 'Casino Back Office',
  twoFactorEnrollmentMinutes: 10,
  demoPassword: DEFAULT_DEMO_PASSWORD,
  maxAuditEventsPerCall: 1_000,
  maxReportPeriodDays: 366,
  maxDashboardRangeDays: 366,
  jurisdiction: DEFAULT_JURISDICTION,
  jurisdictions: {
    [DEFAULT_JURISDICTION]: { ctrThreshold: '10000.00', mtlThreshold: '3000.00' },
  },
  gamingDayStartHour: DEFAULT_GAMING_DAY_START_HOUR,
  timeZone: DEFAULT_PROPERTY_TIME_ZONE,
  kycPlayThreshold: '5000.00',
  documentExpiryWarningDays: 60,
  documentExpiryPageSize: 1_000,
  longSessionHours: 8,
  largeLossThreshold: '10000.00',
  deniedAttemptsThreshold: 5,
  retentionReviewIntervalDays: 365,
  policyReviewDueWithinDays: 30,
  keyRotationBatchSize: 200,
  keyRotationMaxBatches: 1_000,
  retentionBatchSize: 500,
  retentionMaxBatches: 100,
  retentionRunIntervalMinutes: 24 * 60,
  retentionRunAt: '03:00',
  retentionRunStaleMinutes: 120,
  auditMemberBackfillIntervalMinutes: 60,
  auditMemberBackfillBatchSize: 500,
  auditMemberBackfillMaxBatches: 100,
};

const D = DEFAULT_COMPLIANCE_SETTINGS;
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const money = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a decimal amount such as 10000.00');
const jurisdictionRules = z.object({
  ctrThreshold: money,
  mtlThreshold: money,
  /** No longer a jurisdiction's: refused unless it equals GAMING_DAY_START_HOUR (see parseComplianceSettings) */
  gamingDayStartHour: z.unknown().optional(),
});

export const complianceEnv = z.object({
  REFRESH_TOKEN_TTL_SECONDS: int(60, 30 * 86_400, D.refreshTokenTtlSeconds),
  LOGIN_MAX_FAILURES: int(1, 100, D.loginMaxFailures),
  LOGIN_FAILURE_WINDOW_MINUTES: int(1, 24 * 60, D.loginFailureWindowMinutes),
  LOGIN_LOCK_MINUTES: int(1, 24 * 60, D.loginLockMinutes),
  LOGIN_SLOWDOWN_AFTER_FAILURES: int(1, 10_000, D.loginSlowdownAfterFailures),
  LOGIN_SLOWDOWN_BASE_SECONDS: int(1, 60, D.loginSlowdownBaseSeconds),
  LOGIN_SLOWDOWN_MAX_SECONDS: int(1, 3_600, D.loginSlowdownMaxSeconds),
  LOGIN_ADDRESS_MAX_FAILURES: int(1, 100_000, D.loginAddressMaxFailures),
  LOGIN_ADDRESS_WINDOW_SECONDS: int(1, 24 * 3_600, D.loginAddressWindowSeconds),
  TOTP_STEP_SECONDS: int(15, 120, D.totpStepSeconds),
  TOTP_WINDOW_STEPS: int(0, 5, D.totpWindowSteps),
  TOTP_ISSUER: z.string().trim().min(1).max(60).default(D.totpIssuer),
  TWO_FACTOR_ENROLLMENT_MINUTES: int(1, 24 * 60, D.twoFactorEnrollmentMinutes),
  DEMO_PASSWORD: z.string().min(1).default(D.demoPassword),
  AUDIT_EVENTS_MAX_PER_CALL: int(1, 10_000, D.maxAuditEventsPerCall),
  COMPLIANCE_MAX_REPORT_PERIOD_DAYS: int(1, 3_660, D.maxReportPeriodDays),
  COMPLIANCE_MAX_DASHBOARD_RANGE_DAYS: int(1, 3_660, D.maxDashboardRangeDays),
  COMPLIANCE_JURISDICTION: z.string().trim().min(1).default(D.jurisdiction),
  // JSON: { "<name>": { "ctrThreshold": "10000.00", "mtlThreshold": "3000.00" } }; the gaming day's start is
  // GAMING_DAY_START_HOUR, and a jurisdiction that still names a different gamingDayStartHour is refused
  COMPLIANCE_JURISDICTIONS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return D.jurisdictions;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), jurisdictionRules)),
  COMPLIANCE_KYC_PLAY_THRESHOLD: money.default(D.kycPlayThreshold),
  COMPLIANCE_DOCUMENT_EXPIRY_WARNING_DAYS: int(1, 3_660, D.documentExpiryWarningDays),
  COMPLIANCE_DOCUMENT_EXPIRY_PAGE_SIZE: int(1, 1_000, D.documentExpiryPageSize),
  COMPLIANCE_LONG_SESSION_HOURS: int(1, 72, D.longSessionHours),
  COMPLIANCE_LARGE_LOSS_THRESHOLD: money.default(D.largeLossThreshold),
  COMPLIANCE_DENIED_ATTEMPTS_THRESHOLD: int(0, 100_000, D.deniedAttemptsThreshold),
  RETENTION_REVIEW_INTERVAL_DAYS: int(1, 3_660, D.retentionReviewIntervalDays),
  COMPLIANCE_POLICY_REVIEW_DUE_DAYS: int(1, 3_660, D.policyReviewDueWithinDays),
  KEY_ROTATION_BATCH_SIZE: int(1, 1_000, D.keyRotationBatchSize),
  KEY_ROTATION_MAX_BATCHES: int(1, 1_000_000, D.keyRotationMaxBatches),
  RETENTION_BATCH_SIZE: int(1, 10_000, D.retentionBatchSize),
  RETENTION_MAX_BATCHES: int(1, 1_000_000, D.retentionMaxBatches),
  RETENTION_RUN_INTERVAL_MINUTES: int(0, 366 * 24 * 60, D.retentionRunIntervalMinutes),
  RETENTION_RUN_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a UTC time of day, HH:MM')
    .default(D.retentionRunAt),
  RETENTION_RUN_STALE_MINUTES: int(1, 7 * 24 * 60, D.retentionRunStaleMinutes),
  AUDIT_MEMBER_BACKFILL_INTERVAL_MINUTES: int(0, 7 * 24 * 60, D.auditMemberBackfillIntervalMinutes),
  AUDIT_MEMBER_BACKFILL_BATCH_SIZE: int(1, 10_000, D.auditMemberBackfillBatchSize),
  AUDIT_MEMBER_BACKFILL_MAX_BATCHES: int(1, 1_000_000, D.auditMemberBackfillMaxBatches),
  ...gamingDayEnv,
});

/** Reads the compliance settings from the environment (the process's, unless one is given). */
export function parseComplianceSettings(env?: Record<string, string | undefined>): ComplianceSettings {
  const parsed = parseEnv('compliance', complianceEnv, env);
  const settings: ComplianceSettings = {
    refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
    loginMaxFailures: parsed.LOGIN_MAX_FAILURES,
    loginFailureWindowMinutes: parsed.LOGIN_FAILURE_WINDOW_MINUTES,
    loginLockMinutes: parsed.LOGIN_LOCK_MINUTES,
    loginSlowdownAfterFailures: parsed.LOGIN_SLOWDOWN_AFTER_FAILURES,
    loginSlowdownBaseSeconds: parsed.LOGIN_SLOWDOWN_BASE_SECONDS,
    loginSlowdownMaxSeconds: parsed.LOGIN_SLOWDOWN_MAX_SECONDS,
    loginAddressMaxFailures: parsed.LOGIN_ADDRESS_MAX_FAILURES,
    loginAddressWindowSeconds: parsed.LOGIN_ADDRESS_WINDOW_SECONDS,
    totpStepSeconds: parsed.TOTP_STEP_SECONDS,
    totpWindowSteps: parsed.TOTP_WINDOW_STEPS,
    totpIssuer: parsed.TOTP_ISSUER,
    twoFactorEnrollmentMinutes: parsed.TWO_FACTOR_ENROLLMENT_MINUTES,
    demoPassword: parsed.DEMO_PASSWORD,
    maxAuditEventsPerCall: parsed.AUDIT_EVENTS_MAX_PER_CALL,
    maxReportPeriodDays: parsed.COMPLIANCE_MAX_REPORT_PERIOD_DAYS,
    maxDashboardRangeDays: parsed.COMPLIANCE_MAX_DASHBOARD_RANGE_DAYS,
    jurisdiction: parsed.COMPLIANCE_JURISDICTION,
    jurisdictions: Object.fromEntries(
      Object.entries(parsed.COMPLIANCE_JURISDICTIONS).map(([name, r]) => [
        name,
        { ctrThreshold: r.ctrThreshold, mtlThreshold: r.mtlThreshold },
      ]),
    ),
    gamingDayStartHour: parsed.GAMING_DAY_START_HOUR,
    timeZone: parsed.PROPERTY_TIME_ZONE,
    kycPlayThreshold: parsed.COMPLIANCE_KYC_PLAY_THRESHOLD,
    documentExpiryWarningDays: parsed.COMPLIANCE_DOCUMENT_EXPIRY_WARNING_DAYS,
    documentExpiryPageSize: parsed.COMPLIANCE_DOCUMENT_EXPIRY_PAGE_SIZE,
    longSessionHours: parsed.COMPLIANCE_LONG_SESSION_HOURS,
    largeLossThreshold: parsed.COMPLIANCE_LARGE_LOSS_THRESHOLD,
    deniedAttemptsThreshold: parsed.COMPLIANCE_DENIED_ATTEMPTS_THRESHOLD,
    retentionReviewIntervalDays: parsed.RETENTION_REVIEW_INTERVAL_DAYS,
    policyReviewDueWithinDays: parsed.COMPLIANCE_POLICY_REVIEW_DUE_DAYS,
    keyRotationBatchSize: parsed.KEY_ROTATION_BATCH_SIZE,
    keyRotationMaxBatches: parsed.KEY_ROTATION_MAX_BATCHES,
    retentionBatchSize: parsed.RETENTION_BATCH_SIZE,
    retentionMaxBatches: parsed.RETENTION_MAX_BATCHES,
    retentionRunIntervalMinutes: parsed.RETENTION_RUN_INTERVAL_MINUTES,
    retentionRunAt: parsed.RETENTION_RUN_AT,
    retentionRunStaleMinutes: parsed.RETENTION_RUN_STALE_MINUTES,
    auditMemberBackfillIntervalMinutes: parsed.AUDIT_MEMBER_BACKFILL_INTERVAL_MINUTES,
    auditMemberBackfillBatchSize: parsed.AUDIT_MEMBER_BACKFILL_BATCH_SIZE,
    auditMemberBackfillMaxBatches: parsed.AUDIT_MEMBER_BACKFILL_MAX_BATCHES,
  };
  const problems = Object.entries(parsed.COMPLIANCE_JURISDICTIONS)
    .filter(
      ([, r]) => r.gamingDayStartHour !== undefined && r.gamingDayStartHour !== settings.gamingDayStartHour,
    )
    .map(
      ([name, r]) =>
        `COMPLIANCE_JURISDICTIONS: ${name}.gamingDayStartHour is ${JSON.stringify(r.gamingDayStartHour)}, but the ` +
        `gaming day is the property's and starts at GAMING_DAY_START_HOUR (${settings.gamingDayStartHour}): set ` +
        'GAMING_DAY_START_HOUR and remove gamingDayStartHour from the jurisdiction',
    );
  if (!settings.jurisdictions[settings.jurisdiction]) {
    problems.push(`COMPLIANCE_JURISDICTION: ${settings.jurisdiction} is not one of COMPLIANCE_JURISDICTIONS`);
  }
  if (problems.length > 0) throw new ConfigError('compliance', problems);
  return settings;
}

/** The AML rules of the configured jurisdiction. */
export function jurisdictionRulesOf(settings: ComplianceSettings): JurisdictionRules {
  return settings.jurisdictions[settings.jurisdiction]!;
}

/** The sign-in limits in the form the throttle store takes. */
export function loginThrottlePolicy(settings: ComplianceSettings): LoginThrottlePolicy {
  const windowMs = settings.loginFailureWindowMinutes * 60_000;
  return {
    pair: { maxFailures: settings.loginMaxFailures, windowMs, lockMs: settings.loginLockMinutes * 60_000 },
    username: {
      slowdownAfter: settings.loginSlowdownAfterFailures,
      windowMs,
      baseDelayMs: settings.loginSlowdownBaseSeconds * 1000,
      maxDelayMs: Math.max(settings.loginSlowdownBaseSeconds, settings.loginSlowdownMaxSeconds) * 1000,
    },
    address: {
      maxFailures: settings.loginAddressMaxFailures,
      windowMs: settings.loginAddressWindowSeconds * 1000,
    },
  };
}

/** What a new password must satisfy; the upper bound keeps one request from buying a long hash. */
export const PASSWORD_RULES = {
  minLength: 12,
  maxLength: 256,
};

/** Named rules behind a member's compliance status. */
export const MEMBER_COMPLIANCE_RULES: MemberViolationRules = {
  unresolvedStatuses: ['open', 'under_review'],
  amlCategories: ['aml'],
};
