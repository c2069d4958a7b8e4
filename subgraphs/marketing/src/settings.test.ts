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
    });
  });

  it('refuse nonsense', () => {
    expect(() => parseMarketingSettings({ QUIET_HOURS_START: '24' })).toThrow();
    expect(() => parseMarketingSettings({ SMTP_PORT: '0' })).toThrow();
    expect(() => parseMarketingSettings({ SMS_WEBHOOK_URL: 'not a url' })).toThrow();
    expect(() => parseMarketingSettings({ SMTP_FROM: 'nobody' })).toThrow();
  });
});
