import { parseEnv, z } from '@casino/config';
import type { LoginThrottlePolicy } from './auth/login-throttle-store';

/** Tunable rules of sign-in, two-factor authentication and audit intake, with their defaults. */
export interface ComplianceSettings {
  /** How long a refresh token can be exchanged for a new pair */
  refreshTokenTtlSeconds: number;
  /** Failed sign-ins for one username, within the window, that lock it */
  loginMaxFailures: number;
  /** The window in which failures are counted; it restarts with the first failure after it ends */
  loginFailureWindowMinutes: number;
  /** How long a locked username is refused, even with the right password */
  loginLockMinutes: number;
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
}

export const DEFAULT_DEMO_PASSWORD = 'demo-password-2026';

export const DEFAULT_COMPLIANCE_SETTINGS: ComplianceSettings = {
  refreshTokenTtlSeconds: 12 * 60 * 60,
  loginMaxFailures: 5,
  loginFailureWindowMinutes: 15,
  loginLockMinutes: 15,
  totpStepSeconds: 30,
  totpWindowSteps: 1,
  totpIssuer: 'Casino Back Office',
  twoFactorEnrollmentMinutes: 10,
  demoPassword: DEFAULT_DEMO_PASSWORD,
  maxAuditEventsPerCall: 1_000,
};

const D = DEFAULT_COMPLIANCE_SETTINGS;
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const complianceEnv = z.object({
  REFRESH_TOKEN_TTL_SECONDS: int(60, 30 * 86_400, D.refreshTokenTtlSeconds),
  LOGIN_MAX_FAILURES: int(1, 100, D.loginMaxFailures),
  LOGIN_FAILURE_WINDOW_MINUTES: int(1, 24 * 60, D.loginFailureWindowMinutes),
  LOGIN_LOCK_MINUTES: int(1, 24 * 60, D.loginLockMinutes),
  TOTP_STEP_SECONDS: int(15, 120, D.totpStepSeconds),
  TOTP_WINDOW_STEPS: int(0, 5, D.totpWindowSteps),
  TOTP_ISSUER: z.string().trim().min(1).max(60).default(D.totpIssuer),
  TWO_FACTOR_ENROLLMENT_MINUTES: int(1, 24 * 60, D.twoFactorEnrollmentMinutes),
  DEMO_PASSWORD: z.string().min(1).default(D.demoPassword),
  AUDIT_EVENTS_MAX_PER_CALL: int(1, 10_000, D.maxAuditEventsPerCall),
});

/** Reads the compliance settings from the environment (the process's, unless one is given). */
export function parseComplianceSettings(env?: Record<string, string | undefined>): ComplianceSettings {
  const parsed = parseEnv('compliance', complianceEnv, env);
  return {
    refreshTokenTtlSeconds: parsed.REFRESH_TOKEN_TTL_SECONDS,
    loginMaxFailures: parsed.LOGIN_MAX_FAILURES,
    loginFailureWindowMinutes: parsed.LOGIN_FAILURE_WINDOW_MINUTES,
    loginLockMinutes: parsed.LOGIN_LOCK_MINUTES,
    totpStepSeconds: parsed.TOTP_STEP_SECONDS,
    totpWindowSteps: parsed.TOTP_WINDOW_STEPS,
    totpIssuer: parsed.TOTP_ISSUER,
    twoFactorEnrollmentMinutes: parsed.TWO_FACTOR_ENROLLMENT_MINUTES,
    demoPassword: parsed.DEMO_PASSWORD,
    maxAuditEventsPerCall: parsed.AUDIT_EVENTS_MAX_PER_CALL,
  };
}

/** The sign-in lock rules in the form the throttle store takes. */
export function loginThrottlePolicy(settings: ComplianceSettings): LoginThrottlePolicy {
  return {
    maxFailures: settings.loginMaxFailures,
    windowMs: settings.loginFailureWindowMinutes * 60_000,
    lockMs: settings.loginLockMinutes * 60_000,
  };
}
