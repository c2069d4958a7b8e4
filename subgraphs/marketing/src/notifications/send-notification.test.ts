import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity, ServiceClient } from '@casino/auth';
import { createMarketingSubgraph, dispatchDueNotifications } from '../index';
import { DEFAULT_MARKETING_SETTINGS } from '../settings';
import type { MarketingSettings } from '../settings';
import { AS } from '../testing/identities';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { NotificationDocument } from './notification-store';
import { NOTIFICATIONS } from './notification-store';
import { createLogger } from '@casino/logger';
import { startTestSmtpServer, TEST_SMTP_PASSWORD, TEST_SMTP_USER } from './testing/smtp-server';
import type { TestSmtpServer } from './testing/smtp-server';

const CREATE_TEMPLATE = /* GraphQL */ `
  mutation ($input: CreateNotificationTemplateInput!) {
    createNotificationTemplate(input: $input) {
      id
    }
  }
`;
const SEND = /* GraphQL */ `
  mutation ($input: SendNotificationInput!) {
    sendNotification(input: $input) {
      id
      template {
        id
      }
      recipientType
      recipientId
      title
      content
      category
      priority
      channels
      status
      scheduledAt
      sentAt
      deliveredAt
      readAt
      statusHistory {
        status
        at
        reason
      }
      deliveries {
        channel
        status
        error
      }
    }
  }
`;
const READ = /* GraphQL */ `
  mutation ($id: ID!) {
    markNotificationRead(id: $id) {
      id
      status
      readAt
      statusHistory {
        status
      }
    }
  }
`;

interface Sent {
  id: string;
  title: string;
  content: string;
  status: string;
  priority: string;
  channels: string[];
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  scheduledAt: string | null;
  statusHistory: { status: string; at: string; reason: string | null }[];
  deliveries: { channel: string; status: string; error: string | null }[];
}

const MEMBERS: Record<string, { marketingConsent: boolean; selfExcluded: boolean }> = {
  'member-consenting': { marketingConsent: true, selfExcluded: false },
  'member-no-consent': { marketingConsent: false, selfExcluded: false },
  'member-excluded': { marketingConsent: true, selfExcluded: true },
};
const lookups: string[] = [];
/** Loyalty's answer to member(id) { marketingConsent selfExcluded }, as its API gives it. */
const fakeLoyalty = {
  request: async (_query: string, variables: { id: string }) => {
    lookups.push(variables.id);
    if (variables.id === 'member-loyalty-down') throw new Error('loyalty unreachable');
    return { member: MEMBERS[variables.id] ?? null };
  },
} as unknown as ServiceClient;

describe('sendNotification and markNotificationRead', () => {
  let harness: SubgraphHarness;
  let smtp: TestSmtpServer;
  let webhook: http.Server;
  const webhookCalls: Record<string, unknown>[] = [];
  let settings: MarketingSettings;
  let welcomeId: string;
  let promoId: string;
  let fbPromoId: string;
  const notifications = () => harness.db.collection<NotificationDocument>(NOTIFICATIONS);

  const start = async (overrides: Partial<MarketingSettings> = {}) => {
    if (harness) await harness.close();
    settings = { ...settings, ...overrides };
    harness = await startSubgraphHarness(createMarketingSubgraph(settings), {
      services: { loyalty: fakeLoyalty },
    });
    const template = async (input: Record<string, unknown>) => {
      const result = await harness.execute<{ createNotificationTemplate: { id: string } }>(CREATE_TEMPLATE, {
        input,
      });
      expect(result.errors).toBeUndefined();
      return result.data!.createNotificationTemplate.id;
    };
    welcomeId = await template({
      name: 'Welcome',
      category: 'user_activity',
      title: 'Welcome, {first_name}!',
      content: 'Hello {first_name}, you are now {tier}.\n.See you at the tables.',
      variables: ['first_name', 'tier'],
      channels: ['in_app', 'email', 'sms'],
      department: 'Gaming',
    });
    promoId = await template({
      name: 'Weekend promo',
      category: 'marketing',
      title: 'Your weekend offer',
      content: '{offer} this weekend',
      variables: ['offer'],
      channels: ['in_app', 'push'],
      priority: 'low',
      department: 'Gaming',
    });
    fbPromoId = await template({
      name: 'Dinner promo',
      category: 'system',
      title: 'Dinner',
      content: 'Dinner is served',
      channels: ['in_app'],
      department: 'F&B',
    });
  };

  const send = (input: Record<string, unknown>, identity: Identity = AS.superAdmin) =>
    harness.execute<{ sendNotification: Sent }>(SEND, { input }, { identity });
  const welcome = (extra: Record<string, unknown> = {}) => ({
    templateId: welcomeId,
    recipientType: 'user',
    recipientId: 'member-consenting',
    recipientEmail: 'Ayesha@Example.com',
    variables: { first_name: 'Ayesha', tier: 'Sapphire' },
    channels: ['in_app', 'email'],
    ...extra,
  });

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    webhook = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        webhookCalls.push({ path: req.url, ...(JSON.parse(raw) as Record<string, unknown>) });
        res.writeHead(req.url === '/broken' ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;
    settings = {
      ...DEFAULT_MARKETING_SETTINGS,
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpFrom: 'casino@example.com',
      // a submission relay: STARTTLS required, AUTH, the server's certificate trusted as a private CA
      smtpRequireTls: true,
      smtpUser: TEST_SMTP_USER,
      smtpPassword: TEST_SMTP_PASSWORD,
      smtpTlsCaFile: smtp.caFile,
      smsWebhookUrl: `${base}/sms`,
      pushWebhookUrl: `${base}/broken`,
    };
    await start();
  });
  afterAll(async () => {
    await harness.close();
    await smtp.stop();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('renders the template, delivers in-app and by real SMTP, and records pending -> sent -> delivered', async () => {
    const before = smtp.messages.length;
    harness.auditEvents.length = 0;
    const result = await send(welcome());
    expect(result.errors).toBeUndefined();
    const sent = result.data!.sendNotification;
    expect(sent).toMatchObject({
      title: 'Welcome, Ayesha!',
      content: 'Hello Ayesha, you are now Sapphire.\n.See you at the tables.',
      category: 'user_activity',
      priority: 'normal',
      channels: ['in_app', 'email'],
      status: 'delivered',
      readAt: null,
      scheduledAt: null,
      deliveries: [
        { channel: 'in_app', status: 'delivered', error: null },
        { channel: 'email', status: 'delivered', error: null },
      ],
    });
    expect(sent.statusHistory.map((s) => s.status)).toEqual(['pending', 'sent', 'delivered']);
    expect(sent.sentAt).not.toBeNull();
    expect(Date.parse(sent.deliveredAt!)).toBeGreaterThanOrEqual(Date.parse(sent.sentAt!));
    const [mail] = (await smtp.waitForMessages(before + 1)).slice(before);
    expect(mail!.rcpt_to).toEqual(['ayesha@example.com']);
    expect(mail!).toMatchObject({ user: TEST_SMTP_USER, secure: true });
    expect(mail!.raw).toMatch(/^Subject: Welcome, Ayesha!\r?$/m);
    expect(mail!.subject).toBe('Welcome, Ayesha!');
    expect(mail!.text.replace(/\r\n/g, '\n')).toContain(
      'Hello Ayesha, you are now Sapphire.\n.See you at the tables.',
    );
    expect(harness.auditEvents).toHaveLength(1);
    // a marketing lookup is only for marketing
    expect(lookups).toEqual([]);
  });

  it('sends SMS through the webhook, and fails only when no channel delivered', async () => {
    const sms = await send(welcome({ channels: ['sms'], recipientPhone: '+94 71 555 0101' }));
    expect(sms.data?.sendNotification).toMatchObject({ status: 'delivered' });
    expect(webhookCalls.at(-1)).toMatchObject({
      path: '/sms',
      phone: '+94 71 555 0101',
      title: 'Welcome, Ayesha!',
    });

    const failing = await send({
      templateId: promoId,
      recipientType: 'admin',
      recipientId: AS.gamingManager.kind === 'admin' ? AS.gamingManager.userId : '',
      variables: { offer: 'Free play' },
      channels: ['push'],
    });
    const failed = failing.data!.sendNotification;
    expect(failed).toMatchObject({
      status: 'failed',
      priority: 'low',
      deliveredAt: null,
      deliveries: [{ channel: 'push', status: 'failed', error: 'push webhook answered 500' }],
    });
    expect(failed.statusHistory.map((s) => s.status)).toEqual(['pending', 'sent', 'failed']);
    expect(failed.statusHistory[2]!.reason).toContain('push webhook answered 500');

    const partly = await send({
      templateId: promoId,
      recipientType: 'system',
      variables: { offer: 'x' },
    });
    expect(partly.data!.sendNotification).toMatchObject({
      status: 'delivered',
      channels: ['in_app', 'push'],
    });
  });

  it('refuses missing, unknown variables and bad channels or recipients, storing nothing', async () => {
    const count = await notifications().countDocuments();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ variables: { first_name: 'Ayesha' } }, 'input.variables', '{tier}'],
      [{ variables: { first_name: 'A', tier: 'B', casino: 'C' } }, 'input.variables', '{casino}'],
      [{ variables: { first_name: 'A', tier: ['B'] } }, 'input.variables', '{tier}'],
      [{ channels: ['push'] }, 'input.channels.0'],
      [{ channels: [] }, 'input.channels'],
      [{ recipientEmail: null }, 'input.recipientEmail'],
      [{ recipientEmail: 'not-an-email' }, 'input.recipientEmail'],
      [{ channels: ['sms'] }, 'input.recipientPhone'],
      [{ recipientId: null }, 'input.recipientId'],
      [{ recipientType: 'system' }, 'input.recipientId'],
    ];
    for (const [change, field, named] of cases) {
      const result = await send(welcome(change));
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      if (named) expect(result.errors?.[0]?.message).toContain(named);
    }
    const missing = await send(welcome({ templateId: '70000000-0000-4000-8000-999999999999' }));
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await notifications().countDocuments()).toBe(count);
  });

  it('sends marketing to members only with consent and never to self-excluded ones', async () => {
    const promo = (recipientId: string) =>
      send({
        templateId: promoId,
        recipientType: 'user',
        recipientId,
        variables: { offer: 'Free spins' },
        channels: ['in_app'],
      });
    const count = await notifications().countDocuments();
    const noConsent = await promo('member-no-consent');
    expect(noConsent.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.recipientId' });
    const excluded = await promo('member-excluded');
    expect(excluded.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.recipientId' });
    expect(excluded.errors?.[0]?.message).toContain('self-excluded');
    expect((await promo('member-unknown')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // without loyalty's answer nothing is sent
    expect((await promo('member-loyalty-down')).errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await notifications().countDocuments()).toBe(count);
    const ok = await promo('member-consenting');
    expect(ok.data?.sendNotification).toMatchObject({
      status: 'delivered',
      content: 'Free spins this weekend',
    });
    expect(lookups).toEqual([
      'member-no-consent',
      'member-excluded',
      'member-unknown',
      'member-loyalty-down',
      'member-consenting',
    ]);
  });

  it('lets Managers send only their department templates, and never Supervisors', async () => {
    const fb = { templateId: fbPromoId, recipientType: 'system', channels: ['in_app'] };
    expect((await send(welcome(), AS.gamingSupervisor)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await send(fb, AS.gamingManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await send(fb, AS.anonymous)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await send(fb, AS.service)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await send(welcome({ channels: ['in_app'] }), AS.gamingManager)).errors).toBeUndefined();
    expect((await send(fb, AS.fbManager)).errors).toBeUndefined();
    expect((await send(fb, AS.generalAdmin)).errors).toBeUndefined();
  });

  it('marks a delivered notification read once, by its admin recipient or a Manager and above', async () => {
    const supervisorId = AS.gamingSupervisor.kind === 'admin' ? AS.gamingSupervisor.userId : '';
    const toSupervisor = async () =>
      (
        await send({
          templateId: fbPromoId,
          recipientType: 'admin',
          recipientId: supervisorId,
          channels: ['in_app'],
        })
      ).data!.sendNotification.id;
    const mine = await toSupervisor();
    const other = (await send(welcome({ channels: ['in_app'] }))).data!.sendNotification.id;

    const read = (id: string, identity: Identity = AS.gamingSupervisor) =>
      harness.execute<{ markNotificationRead: Sent }>(READ, { id }, { identity });
    expect((await read(other)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const result = await read(mine);
    expect(result.errors).toBeUndefined();
    expect(result.data!.markNotificationRead.status).toBe('read');
    expect(result.data!.markNotificationRead.readAt).not.toBeNull();
    expect(result.data!.markNotificationRead.statusHistory.map((s) => s.status)).toEqual([
      'pending',
      'sent',
      'delivered',
      'read',
    ]);
    expect((await read(mine)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect((await read(other, AS.gamingManager)).errors).toBeUndefined();
    expect(
      (await read('60000000-0000-4000-8000-999999999999', AS.gamingManager)).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
  });

  it('keeps a future send pending until the dispatcher finds it due', async () => {
    const now = Date.now();
    const scheduledAt = new Date(now + 3_600_000).toISOString();
    const before = smtp.messages.length;
    const result = await send(welcome({ scheduledAt }));
    const pending = result.data!.sendNotification;
    expect(pending).toMatchObject({ status: 'pending', scheduledAt, sentAt: null, deliveries: [] });
    expect(await dispatchDueNotifications(harness.db, settings, new Date(now + 60_000))).toBe(0);
    expect(await dispatchDueNotifications(harness.db, settings, new Date(now + 3_600_001))).toBe(1);
    const stored = await notifications().findOne({ id: pending.id });
    expect(stored?.status).toBe('delivered');
    expect(stored?.status_history?.map((s) => s.status)).toEqual(['pending', 'sent', 'delivered']);
    await smtp.waitForMessages(before + 1);
    // sent once: a second round finds nothing due
    expect(await dispatchDueNotifications(harness.db, settings, new Date(now + 7_200_000))).toBe(0);
  });

  it('fails the email delivery with SMTP_AUTH_FAILED on wrong credentials, the password in no record or log', async () => {
    const wrong = 'wrong-password-for-the-relay';
    await start({ smtpPassword: wrong });
    const before = smtp.messages.length;
    const now = Date.now();
    const scheduled = (
      await send(welcome({ channels: ['email'], scheduledAt: new Date(now + 1_000).toISOString() }))
    ).data!.sendNotification;
    const lines: string[] = [];
    const logger = createLogger({
      name: 'marketing',
      level: 'debug',
      destination: { write: (line: string) => lines.push(line) },
    });
    expect(await dispatchDueNotifications(harness.db, settings, new Date(now + 2_000), logger)).toBe(1);
    const stored = await notifications().findOne({ id: scheduled.id });
    expect(stored?.status).toBe('failed');
    const error = stored?.deliveries?.[0]?.error ?? '';
    expect(error).toMatch(/^SMTP_AUTH_FAILED: /);
    expect(JSON.stringify(stored)).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
    expect(smtp.authAttempts.at(-1)).toEqual({ user: TEST_SMTP_USER, accepted: false });
    expect(smtp.messages).toHaveLength(before);
    await start({ smtpPassword: TEST_SMTP_PASSWORD });
  });

  it('defers non-critical sends in quiet hours to their end; critical ones go at once', async () => {
    const hour = new Date().getUTCHours();
    await start({
      quietHoursStart: { hour: (hour + 23) % 24, minute: 0 },
      quietHoursEnd: { hour: (hour + 2) % 24, minute: 0 },
    });
    const deferred = (await send(welcome({ channels: ['in_app'] }))).data!.sendNotification;
    expect(deferred.status).toBe('pending');
    expect(deferred.statusHistory[0]!.reason).toContain('quiet hours');
    const stored = await notifications().findOne({ id: deferred.id });
    expect(stored?.due_at?.getUTCHours()).toBe((hour + 2) % 24);
    expect(stored?.due_at?.getUTCMinutes()).toBe(0);
    expect(await dispatchDueNotifications(harness.db, settings, new Date())).toBe(0);
    expect(await dispatchDueNotifications(harness.db, settings, stored!.due_at!)).toBe(1);

    const critical = await send(welcome({ channels: ['in_app'], priority: 'critical' }));
    expect(critical.data!.sendNotification).toMatchObject({ status: 'delivered', priority: 'critical' });
  });
});
