import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationDocument } from '../notification-store';
import { startTestSmtpServer, TEST_SMTP_PASSWORD, TEST_SMTP_USER } from '../testing/smtp-server';
import type { TestSmtpServer } from '../testing/smtp-server';
import { emailAdapter } from './email';
import type { SmtpOptions } from './email';
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
  let plainSmtp: TestSmtpServer;
  let submission: SmtpOptions;
  beforeAll(async () => {
    // a submission relay: STARTTLS offered, AUTH required, a self-signed certificate trusted as a private CA
    smtp = await startTestSmtpServer();
    // an old-style relay: no STARTTLS, mail taken without AUTH
    plainSmtp = await startTestSmtpServer({ tls: false });
    submission = {
      host: '127.0.0.1',
      port: smtp.port,
      requireTls: true,
      auth: { user: TEST_SMTP_USER, password: TEST_SMTP_PASSWORD },
      ca: readFileSync(smtp.caFile),
      timeoutMs: 5_000,
      from: 'casino@example.com',
    };
  });
  afterAll(async () => {
    await smtp.stop();
    await plainSmtp.stop();
  });

  it('hands the rendered message to a real SMTP server over STARTTLS, authenticated', async () => {
    const before = smtp.messages.length;
    await emailAdapter(submission).deliver(notification);
    const [mail] = (await smtp.waitForMessages(before + 1)).slice(before);
    expect(mail!.mail_from).toBe('casino@example.com');
    expect(mail!.rcpt_to).toEqual(['ayesha@example.com']);
    expect(mail!.user).toBe(TEST_SMTP_USER);
    expect(mail!.secure).toBe(true);
    expect(mail!.raw).toMatch(/^To: ayesha@example\.com\r?$/m);
    // the non-ASCII subject is encoded on the wire and arrives intact
    expect(mail!.raw).not.toContain('Welcome, Ayesha — Sapphire!');
    expect(mail!.subject).toBe('Welcome, Ayesha — Sapphire!');
    // the body arrives intact, a line starting with a dot included
    expect(mail!.text.replace(/\r\n/g, '\n').trimEnd()).toBe(
      'Hello Ayesha,\n.starts with a dot\nSee you soon.',
    );
  });

  it('still delivers to a relay without TLS or AUTH when none is configured (the local default)', async () => {
    const before = plainSmtp.messages.length;
    await emailAdapter({
      host: '127.0.0.1',
      port: plainSmtp.port,
      timeoutMs: 5_000,
      from: 'a@example.com',
    }).deliver(notification);
    const [mail] = (await plainSmtp.waitForMessages(before + 1)).slice(before);
    expect(mail).toMatchObject({ rcpt_to: ['ayesha@example.com'], user: null, secure: false });
  });

  it('fails with SMTP_AUTH_FAILED on wrong credentials, without the password anywhere in the error', async () => {
    const before = smtp.messages.length;
    const wrong = 'not-the-password-123';
    const failure = await emailAdapter({ ...submission, auth: { user: TEST_SMTP_USER, password: wrong } })
      .deliver(notification)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(DeliveryError);
    const error = failure as DeliveryError;
    expect(error.message).toMatch(/^SMTP_AUTH_FAILED: /);
    expect(error.message).toContain('535');
    const everything = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${String(error.cause)}`;
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(wrong).toString('base64'));
    expect(everything).not.toContain('ayesha@example.com');
    expect(smtp.authAttempts.at(-1)).toEqual({ user: TEST_SMTP_USER, accepted: false });
    expect(smtp.messages).toHaveLength(before);
  });

  it('refuses a server without STARTTLS when TLS is required, before sending the credentials', async () => {
    const failure = emailAdapter({ ...submission, port: plainSmtp.port }).deliver(notification);
    await expect(failure).rejects.toThrow(DeliveryError);
    await expect(failure).rejects.toThrow(/^SMTP_TLS_REQUIRED: /);
    expect(plainSmtp.authAttempts).toEqual([]);
  });

  it('refuses a server whose certificate is not trusted', async () => {
    const attempts = smtp.authAttempts.length;
    const failure = emailAdapter({ ...submission, ca: null }).deliver(notification);
    await expect(failure).rejects.toThrow(/^SMTP_TLS_FAILED: /);
    expect(smtp.authAttempts).toHaveLength(attempts);
  });

  it('fails with a DeliveryError when the server refuses the recipient or cannot be reached', async () => {
    const refused = emailAdapter(submission).deliver({
      ...notification,
      recipient_email: 'reject@example.com',
    });
    await expect(refused).rejects.toThrow(DeliveryError);
    await expect(refused).rejects.toThrow(/RCPT TO refused: 550/);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = emailAdapter({ ...submission, port }).deliver(notification);
    await expect(unreachable).rejects.toThrow(DeliveryError);
    await expect(unreachable).rejects.toThrow(/^SMTP_UNREACHABLE: /);

    await expect(
      emailAdapter(submission).deliver({ ...notification, recipient_email: null }),
    ).rejects.toThrow('no recipient email');
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
