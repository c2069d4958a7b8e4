import { DEFAULT_MARKETING_SETTINGS, parseMarketingSettings } from './settings';

describe('marketing settings', () => {
  it('default every rule', () => {
    expect(parseMarketingSettings({})).toEqual(DEFAULT_MARKETING_SETTINGS);
  });

  it('read the SMTP server, webhooks, quiet hours and limits from the environment', () => {
    expect(
      parseMarketingSettings({
        SMTP_HOST: 'mail.internal',
        SMTP_PORT: '2525',
        SMTP_SECURE: 'true',
        SMTP_FROM: 'noreply@casino.example',
        SMS_WEBHOOK_URL: 'https://sms.example/send',
        PUSH_WEBHOOK_URL: '',
        QUIET_HOURS_START: '22',
        QUIET_HOURS_END: '6',
        NOTIFICATION_DISPATCH_INTERVAL_MS: '5000',
        MARKETING_DASHBOARD_MAX_RANGE_DAYS: '31',
        CAMPAIGN_AUDIENCE_SAMPLE_SIZE: '5',
        CAMPAIGN_AUDIENCE_CHECK_BATCH_SIZE: '200',
      }),
    ).toEqual({
      ...DEFAULT_MARKETING_SETTINGS,
      smtpHost: 'mail.internal',
      smtpPort: 2525,
      smtpSecure: true,
      smtpFrom: 'noreply@casino.example',
      smsWebhookUrl: 'https://sms.example/send',
      pushWebhookUrl: null,
      quietHoursStart: { hour: 22, minute: 0 },
      quietHoursEnd: { hour: 6, minute: 0 },
      dispatchIntervalMs: 5000,
      maxDashboardRangeDays: 31,
      audienceSampleSize: 5,
      audienceCheckBatchSize: 200,
    });
  });

  it('read the analytics schedule, risk weights and segment rules from the environment', () => {
    const parsed = parseMarketingSettings({
      ANALYTICS_INTERVAL_MS: '0',
      ANALYTICS_BATCH_SIZE: '250',
      ANALYTICS_WINDOW_DAYS: '30',
      ANALYTICS_RISK_WEIGHT_LOSS_CHASING: '10',
      SEGMENT_HIGH_ROLLER_MIN_SPEND_PER_VISIT: '2500.5',
      SEGMENT_LAPSED_AFTER_DAYS: '45',
    });
    expect(parsed.analytics).toEqual({
      ...DEFAULT_MARKETING_SETTINGS.analytics,
      intervalMs: 0,
      batchSize: 250,
      windowDays: 30,
      riskWeightLossChasing: 10,
      highRollerMinSpendPerVisit: 2500.5,
      lapsedAfterDays: 45,
    });
    expect(DEFAULT_MARKETING_SETTINGS.analytics).toMatchObject({
      intervalMs: 6 * 3_600_000,
      batchSize: 500,
      windowDays: 90,
    });
  });

  it('read the SMTP submission relay: STARTTLS required, AUTH, a private CA', () => {
    expect(
      parseMarketingSettings({
        NODE_ENV: 'production',
        SMTP_HOST: 'smtp.relay.example',
        SMTP_PORT: '587',
        SMTP_REQUIRE_TLS: 'true',
        SMTP_USER: 'notifier',
        SMTP_PASSWORD: 's3cret',
        SMTP_TLS_CA_FILE: '/etc/casino/smtp-ca.pem',
        SMTP_TIMEOUT_MS: '2000',
      }),
    ).toMatchObject({
      smtpHost: 'smtp.relay.example',
      smtpPort: 587,
      smtpSecure: false,
      smtpRequireTls: true,
      smtpUser: 'notifier',
      smtpPassword: 's3cret',
      smtpTlsCaFile: '/etc/casino/smtp-ca.pem',
      smtpTimeoutMs: 2000,
    });
    // implicit TLS is TLS too
    expect(
      parseMarketingSettings({
        NODE_ENV: 'production',
        SMTP_SECURE: 'true',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
      }),
    ).toMatchObject({ smtpSecure: true, smtpUser: 'u' });
    // outside production a local relay may take AUTH in the clear
    expect(parseMarketingSettings({ SMTP_USER: 'u', SMTP_PASSWORD: 'p' })).toMatchObject({
      smtpRequireTls: false,
      smtpUser: 'u',
    });
  });

  it('refuse SMTP AUTH without TLS in production, and half a credential anywhere', () => {
    const plain = () =>
      parseMarketingSettings({ NODE_ENV: 'production', SMTP_USER: 'u', SMTP_PASSWORD: 'the-password' });
    expect(plain).toThrow(/SMTP_REQUIRE_TLS/);
    expect(plain).not.toThrow(/the-password/);
    expect(() => parseMarketingSettings({ SMTP_USER: 'u' })).toThrow(/SMTP_PASSWORD/);
    expect(() => parseMarketingSettings({ SMTP_PASSWORD: 'p' })).toThrow(/SMTP_USER/);
    expect(() => parseMarketingSettings({ SMTP_REQUIRE_TLS: 'yes' })).toThrow();
  });

  it('refuse nonsense', () => {
    expect(() => parseMarketingSettings({ ANALYTICS_BATCH_SIZE: '0' })).toThrow();
    expect(() => parseMarketingSettings({ ANALYTICS_WINDOW_DAYS: '400' })).toThrow();
    expect(() => parseMarketingSettings({ SEGMENT_AT_RISK_MIN_SCORE: '101' })).toThrow();
    expect(() => parseMarketingSettings({ QUIET_HOURS_START: '24' })).toThrow();
    expect(() => parseMarketingSettings({ QUIET_HOURS_END: '08:60' })).toThrow(/QUIET_HOURS_END/);
    expect(() => parseMarketingSettings({ PROPERTY_TIME_ZONE: 'Asia/Bombay ' })).toThrow(
      /PROPERTY_TIME_ZONE/,
    );
    expect(
      parseMarketingSettings({
        QUIET_HOURS_START: '22:00',
        QUIET_HOURS_END: '08:30',
        PROPERTY_TIME_ZONE: 'Asia/Kolkata',
      }),
    ).toMatchObject({
      quietHoursStart: { hour: 22, minute: 0 },
      quietHoursEnd: { hour: 8, minute: 30 },
      timeZone: 'Asia/Kolkata',
    });
    expect(() => parseMarketingSettings({ SMTP_PORT: '0' })).toThrow();
    expect(() => parseMarketingSettings({ SMS_WEBHOOK_URL: 'not a url' })).toThrow();
    expect(() => parseMarketingSettings({ SMTP_FROM: 'nobody' })).toThrow();
  });
});
