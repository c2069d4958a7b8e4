import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from '@casino/testing';

export interface ReceivedMail {
  mail_from: string;
  rcpt_to: string[];
  /** The user the client authenticated as (null: none) and whether the session was under TLS */
  user: string | null;
  secure: boolean;
  subject: string;
  /** The decoded text body */
  text: string;
  /** The message as it came over the wire */
  raw: string;
}

export interface TestSmtpServerOptions {
  /** Offer STARTTLS (with a self-signed certificate for 127.0.0.1) and require AUTH; true unless said */
  tls?: boolean;
  /**
   * The only accepted credentials (AUTH PLAIN/LOGIN). With `tls: false` AUTH is still offered, in the clear,
   * but optional: a plain relay that also takes mail without it.
   */
  user?: string;
  password?: string;
}

/** A real SMTP server on a free loopback port for tests, and the messages it accepted. */
export interface TestSmtpServer {
  port: number;
  /** A PEM file of the server's self-signed certificate, for SMTP_TLS_CA_FILE */
  caFile: string;
  messages: ReceivedMail[];
  /** Every AUTH attempt the server saw: the user and whether it was accepted (never the password) */
  authAttempts: { user: string; accepted: boolean }[];
  /** Resolves once `count` messages arrived in all (or rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export const TEST_SMTP_USER = 'notifier';
export const TEST_SMTP_PASSWORD = 'correct horse battery staple';

/**
 * The `smtp-server` package in this process. By default it behaves like a submission relay: STARTTLS
 * offered and AUTH required before any mail is taken. A recipient whose address starts with "reject" is
 * refused with 550.
 */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const tls = options.tls ?? true;
  const user = options.user ?? TEST_SMTP_USER;
  const password = options.password ?? TEST_SMTP_PASSWORD;
  const dir = mkdtempSync(path.join(tmpdir(), 'casino-smtp-'));
  const certificate = selfSignedCertificate(dir, 'smtp', 'IP:127.0.0.1,DNS:localhost');
  const messages: ReceivedMail[] = [];
  const authAttempts: { user: string; accepted: boolean }[] = [];
  const listeners = new Set<() => void>();

  const server = new SMTPServer({
    secure: false,
    name: 'test-smtp',
    key: readFileSync(certificate.key),
    cert: readFileSync(certificate.cert),
    disabledCommands: tls ? [] : ['STARTTLS'],
    allowInsecureAuth: !tls,
    authOptional: !tls,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === user && auth.password === password;
      authAttempts.push({ user: auth.username ?? '', accepted });
      if (!accepted) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase().startsWith('reject')) {
        return callback(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              mail_from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcpt_to: session.envelope.rcptTo.map((r) => r.address),
              user: typeof session.user === 'string' ? session.user : null,
              secure: session.secure,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              raw,
            });
            listeners.forEach((listener) => listener());
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    caFile: certificate.cert,
    messages,
    authAttempts,
    waitForMessages(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`expected ${count} messages, got ${messages.length}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
