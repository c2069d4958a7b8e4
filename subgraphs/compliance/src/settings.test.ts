import { ConfigError } from '@casino/config';
import {
  DEFAULT_COMPLIANCE_SETTINGS,
  jurisdictionRulesOf,
  loginThrottlePolicy,
  parseComplianceSettings,
} from './settings';

describe('compliance settings', () => {
  it('defaults: 12 h refresh tokens, 5 failures lock for 15 min, 30 s TOTP steps with one step of drift', () => {
    expect(parseComplianceSettings({})).toEqual(DEFAULT_COMPLIANCE_SETTINGS);
    expect(DEFAULT_COMPLIANCE_SETTINGS).toMatchObject({
      refreshTokenTtlSeconds: 43_200,
      loginMaxFailures: 5,
      loginLockMinutes: 15,
      totpStepSeconds: 30,
      totpWindowSteps: 1,
      demoPassword: 'demo-password-2026',
    });
  });

  it('reads each setting from the environment', () => {
    expect(
      parseComplianceSettings({
        REFRESH_TOKEN_TTL_SECONDS: '3600',
        LOGIN_MAX_FAILURES: '3',
        LOGIN_FAILURE_WINDOW_MINUTES: '5',
        LOGIN_LOCK_MINUTES: '60',
        TOTP_STEP_SECONDS: '60',
        TOTP_WINDOW_STEPS: '0',
        TOTP_ISSUER: 'Grand Casino',
        TWO_FACTOR_ENROLLMENT_MINUTES: '5',
        DEMO_PASSWORD: 'another-demo',
        AUDIT_EVENTS_MAX_PER_CALL: '500',
      }),
    ).toEqual({
      ...DEFAULT_COMPLIANCE_SETTINGS,
      refreshTokenTtlSeconds: 3600,
      loginMaxFailures: 3,
      loginFailureWindowMinutes: 5,
      loginLockMinutes: 60,
      totpStepSeconds: 60,
      totpWindowSteps: 0,
      totpIssuer: 'Grand Casino',
      twoFactorEnrollmentMinutes: 5,
      demoPassword: 'another-demo',
      maxAuditEventsPerCall: 500,
    });
  });

  it('reads the report rules, with the jurisdictions as JSON', () => {
    const settings = parseComplianceSettings({
      COMPLIANCE_JURISDICTION: 'lk',
      COMPLIANCE_JURISDICTIONS: JSON.stringify({
        lk: { ctrThreshold: '2000000.00', mtlThreshold: '500000.00' },
      }),
      GAMING_DAY_START_HOUR: '4',
      COMPLIANCE_KYC_PLAY_THRESHOLD: '2500.00',
      COMPLIANCE_DOCUMENT_EXPIRY_WARNING_DAYS: '30',
      COMPLIANCE_DOCUMENT_EXPIRY_PAGE_SIZE: '250',
      COMPLIANCE_LONG_SESSION_HOURS: '6',
      COMPLIANCE_LARGE_LOSS_THRESHOLD: '7500',
      COMPLIANCE_DENIED_ATTEMPTS_THRESHOLD: '3',
      COMPLIANCE_MAX_REPORT_PERIOD_DAYS: '31',
      COMPLIANCE_MAX_DASHBOARD_RANGE_DAYS: '90',
      RETENTION_REVIEW_INTERVAL_DAYS: '180',
      COMPLIANCE_POLICY_REVIEW_DUE_DAYS: '14',
    });
    expect(settings).toMatchObject({
      jurisdiction: 'lk',
      kycPlayThreshold: '2500.00',
      documentExpiryWarningDays: 30,
      documentExpiryPageSize: 250,
      longSessionHours: 6,
      largeLossThreshold: '7500',
      deniedAttemptsThreshold: 3,
      maxReportPeriodDays: 31,
      maxDashboardRangeDays: 90,
      retentionReviewIntervalDays: 180,
      policyReviewDueWithinDays: 14,
      gamingDayStartHour: 4,
    });
    expect(jurisdictionRulesOf(settings)).toEqual({
      ctrThreshold: '2000000.00',
      mtlThreshold: '500000.00',
    });
    expect(jurisdictionRulesOf(DEFAULT_COMPLIANCE_SETTINGS)).toEqual({
      ctrThreshold: '10000.00',
      mtlThreshold: '3000.00',
    });
    expect(DEFAULT_COMPLIANCE_SETTINGS.gamingDayStartHour).toBe(6);
    expect(() => parseComplianceSettings({ COMPLIANCE_JURISDICTION: 'nowhere' })).toThrow(ConfigError);
    expect(() => parseComplianceSettings({ COMPLIANCE_JURISDICTIONS: '{"x":{"ctrThreshold":"a"}}' })).toThrow(
      ConfigError,
    );
  });

  it('takes the gaming day from GAMING_DAY_START_HOUR, refusing a jurisdiction that names another hour', () => {
    const jurisdictions = (hour: unknown) =>
      JSON.stringify({
        lk: { ctrThreshold: '2000000.00', mtlThreshold: '500000.00', gamingDayStartHour: hour },
      });
    // a jurisdiction that still carries the hour is accepted while it agrees with the property's gaming day
    const agreeing = parseComplianceSettings({
      COMPLIANCE_JURISDICTION: 'lk',
      COMPLIANCE_JURISDICTIONS: jurisdictions(4),
      GAMING_DAY_START_HOUR: '4',
    });
    expect(agreeing.gamingDayStartHour).toBe(4);
    expect(jurisdictionRulesOf(agreeing)).toEqual({ ctrThreshold: '2000000.00', mtlThreshold: '500000.00' });
    for (const hour of [4, '6', 25]) {
      try {
        parseComplianceSettings({
          COMPLIANCE_JURISDICTION: 'lk',
          COMPLIANCE_JURISDICTIONS: jurisdictions(hour),
        });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
          `COMPLIANCE_JURISDICTIONS: lk.gamingDayStartHour is ${JSON.stringify(hour)}, but the gaming day is the ` +
            "property's and starts at GAMING_DAY_START_HOUR (6): set GAMING_DAY_START_HOUR and remove " +
            'gamingDayStartHour from the jurisdiction',
        ]);
      }
    }
  });

  it('reports every bad value at once', () => {
    try {
      parseComplianceSettings({ LOGIN_MAX_FAILURES: '0', TOTP_WINDOW_STEPS: 'many' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'LOGIN_MAX_FAILURES',
        'TOTP_WINDOW_STEPS',
      ]);
    }
  });

  it('turns the sign-in limits into milliseconds for the throttle', () => {
    expect(loginThrottlePolicy(DEFAULT_COMPLIANCE_SETTINGS)).toEqual({
      pair: { maxFailures: 5, windowMs: 900_000, lockMs: 900_000 },
      username: { slowdownAfter: 10, windowMs: 900_000, baseDelayMs: 1_000, maxDelayMs: 30_000 },
      address: { maxFailures: 20, windowMs: 60_000 },
    });
  });

  it('reads the per-address and per-username limits from the environment', () => {
    const settings = parseComplianceSettings({
      LOGIN_SLOWDOWN_AFTER_FAILURES: '25',
      LOGIN_SLOWDOWN_BASE_SECONDS: '2',
      LOGIN_SLOWDOWN_MAX_SECONDS: '120',
      LOGIN_ADDRESS_MAX_FAILURES: '50',
      LOGIN_ADDRESS_WINDOW_SECONDS: '300',
    });
    expect(settings).toMatchObject({
      loginSlowdownAfterFailures: 25,
      loginSlowdownBaseSeconds: 2,
      loginSlowdownMaxSeconds: 120,
      loginAddressMaxFailures: 50,
      loginAddressWindowSeconds: 300,
    });
    expect(() => parseComplianceSettings({ LOGIN_ADDRESS_MAX_FAILURES: '0' })).toThrow(ConfigError);
  });
});
