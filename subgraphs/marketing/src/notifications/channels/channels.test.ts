import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationDocument } from '../notification-store';
import { startTestSmtpServer } from '../testing/smtp-server';
import type { TestSmtpServer } from '../testing/smtp-server';
import { emailAdapter } from './email';
import { sendMail } from './smtp-client';
import { DeliveryError } from './types';
import { webhookAdapter } from './webhook';

const notification: NotificationDocument = {
  id: '60000000-0000-4000-8000-000000000001',
  template_id: null,
  recipient_type: 'user',
  recipient_id: '50000000-0000-4000-8000-000000000001',
  recipient_email: 'ayesha@example.com',
  recipient_phone: '+94 71 555 0101',
  title: 'Welcome, Ayesha — Sapphire!',
  content: 'Hello Ayesha,\n.starts with a dot\nSee you soon.',
  category: 'marketing',
  priority: 'normal',
  channels: ['email'],
  status: 'sent',
  scheduled_at: null,
  sent_at: null,
  delivered_at: null,
  read_at: null,
  metadata: {},
  created_at: new Date(),
};

describe('the email channel over SMTP', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp.stop());

  it('hands the rendered message to a real SMTP server', async () => {
    const adapter = emailAdapter({
      host: '127.0.0.1',
      port: smtp.port,
      timeoutMs: 5_000,
      from: 'casino@example.com',
    });
    await adapter.deliver(notification);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.mail_from).toBe('casino@example.com');
    expect(mail!.rcpt_to).toEqual(['ayesha@example.com']);
    expect(mail!.data).toContain('To: <ayesha@example.com>');
    const subject = /^Subject: =\?UTF-8\?B\?(.+)\?=\r?$/m.exec(mail!.data)![1]!;
    expect(Buffer.from(subject, 'base64').toString('utf8')).toBe('Welcome, Ayesha — Sapphire!');
    // the body arrives intact, the leading dot un-stuffed by the server
    expect(mail!.data.replace(/\r\n/g, '\n')).toContain(
      '\n\nHello Ayesha,\n.starts with a dot\nSee you soon.',
    );
  });

  it('fails with a DeliveryError when the server refuses the recipient or cannot be reached', async () => {
    const options = { host: '127.0.0.1', port: smtp.port, timeoutMs: 5_000 };
    const refused = sendMail(options, {
      from: 'a@example.com',
      to: 'reject@example.com',
      subject: 's',
      text: 't',
    });
    await expect(refused).rejects.toThrow(DeliveryError);
    await expect(refused).rejects.toThrow(/RCPT TO refused: 550/);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      sendMail({ ...options, port }, { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' }),
    ).rejects.toThrow(DeliveryError);

    const adapter = emailAdapter({ ...options, from: 'a@example.com' });
    await expect(adapter.deliver({ ...notification, recipient_email: null })).rejects.toThrow(
      'no recipient email',
    );
  });
});

describe('the webhook channels (sms, push)', () => {
  let server: http.Server;
  let url: string;
  const received: { path: string; contentType: string; body: Record<string, unknown> }[] = [];
  let status = 202;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          contentType: String(req.headers['content-type']),
          body: JSON.parse(raw) as Record<string, unknown>,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('POSTs the rendered notification as JSON to the channel URL', async () => {
    await webhookAdapter('sms', `${url}/sms`, 2_000).deliver(notification);
    expect(received.at(-1)).toEqual({
      path: '/sms',
      contentType: 'application/json',
      body: expect.objectContaining({
        notificationId: notification.id,
        channel: 'sms',
        phone: '+94 71 555 0101',
        title: notification.title,
        content: notification.content,
        priority: 'normal',
      }),
    });
  });

  it('fails on a non-2xx answer, an unconfigured URL or a missing phone', async () => {
    status = 503;
    await expect(webhookAdapter('push', `${url}/push`, 2_000).deliver(notification)).rejects.toThrow(
      'push webhook answered 503',
    );
    status = 202;
    await expect(webhookAdapter('push', null, 2_000).deliver(notification)).rejects.toThrow('not configured');
    await expect(
      webhookAdapter('sms', `${url}/sms`, 2_000).deliver({ ...notification, recipient_phone: null }),
    ).rejects.toThrow('no recipient phone');
  });
});
