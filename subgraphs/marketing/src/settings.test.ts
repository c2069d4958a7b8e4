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
      quietHoursStart: 22,
      quietHoursEnd: 6,
      dispatchIntervalMs: 5000,
      dashboardMaxRangeDays: 31,
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

  it('refuse nonsense', () => {
    expect(() => parseMarketingSettings({ ANALYTICS_BATCH_SIZE: '0' })).toThrow();
    expect(() => parseMarketingSettings({ ANALYTICS_WINDOW_DAYS: '400' })).toThrow();
    expect(() => parseMarketingSettings({ SEGMENT_AT_RISK_MIN_SCORE: '101' })).toThrow();
    expect(() => parseMarketingSettings({ QUIET_HOURS_START: '24' })).toThrow();
    expect(() => parseMarketingSettings({ SMTP_PORT: '0' })).toThrow();
    expect(() => parseMarketingSettings({ SMS_WEBHOOK_URL: 'not a url' })).toThrow();
    expect(() => parseMarketingSettings({ SMTP_FROM: 'nobody' })).toThrow();
  });
});
