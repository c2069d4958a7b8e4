import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { DeliveryError } from './types';

export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465 style) instead of a plain connection */
  secure?: boolean;
  timeoutMs: number;
  /** The name this client gives in EHLO */
  clientName?: string;
}

export interface SmtpMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  date?: Date;
}

interface Reply {
  code: number;
  text: string;
}

/** Header values must not break out of their line. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ');

/** RFC 2047 encoded-word for a header with non-ASCII text. */
function encodeHeader(value: string): string {
  const clean = oneLine(value);
  return /^[\x20-\x7e]*$/.test(clean)
    ? clean
    : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** The DATA section: headers, a blank line, the body with CRLF line ends and dot-stuffing, no terminator. */
export function formatMessage(message: SmtpMessage): string {
  const domain = message.from.split('@')[1] ?? 'localhost';
  const headers = [
    `From: <${oneLine(message.from)}>`,
    `To: <${oneLine(message.to)}>`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${(message.date ?? new Date()).toUTCString()}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = message.text
    .replace(/\r\n|\r|\n/g, '\r\n')
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * A minimal SMTP client (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT over one connection. No
 * authentication; the relay is expected to trust the casino's network. Any unexpected reply, a timeout or a
 * dropped connection is a DeliveryError naming the step.
 */
export async function sendMail(options: SmtpOptions, message: SmtpMessage): Promise<void> {
  const socket: net.Socket = options.secure
    ? tls.connect({ host: options.host, port: options.port, servername: options.host })
    : net.connect({ host: options.host, port: options.port });
  socket.setEncoding('utf8');

  let buffer = '';
  let lines: string[] = [];
  let waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  let failure: Error | null = null;
  const replies: Reply[] = [];

  const settle = () => {
    if (!waiting) return;
    if (replies.length > 0) {
      const next = waiting;
      waiting = null;
      next.resolve(replies.shift()!);
    } else if (failure) {
      const next = waiting;
      waiting = null;
      next.reject(failure);
    }
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      lines.push(line);
      // "250-..." continues a multi-line reply, "250 ..." ends it
      if (/^\d{3}(?: |$)/.test(line)) {
        replies.push({ code: Number(line.slice(0, 3)), text: lines.join('\n') });
        lines = [];
      }
    }
    settle();
  });
  const fail = (error: Error) => {
    failure ??= error;
    settle();
  };
  socket.on('error', (error) => fail(new DeliveryError(`SMTP connection failed: ${error.message}`)));
  socket.on('close', () => fail(new DeliveryError('SMTP server closed the connection')));
  socket.setTimeout(options.timeoutMs, () => {
    fail(new DeliveryError(`SMTP server did not answer within ${options.timeoutMs} ms`));
    socket.destroy();
  });

  const reply = () =>
    new Promise<Reply>((resolve, reject) => {
      waiting = { resolve, reject };
      settle();
    });
  const expect = async (step: string, codes: number[]) => {
    const answer = await reply();
    if (!codes.includes(answer.code)) {
      // only the code: the server's text may echo the recipient's address
      throw new DeliveryError(`SMTP ${step} refused: ${answer.code}`);
    }
  };
  const command = async (line: string, step: string, codes: number[]) => {
    socket.write(`${line}\r\n`);
    await expect(step, codes);
  };

  try {
    await expect('greeting', [220]);
    await command(`EHLO ${options.clientName ?? os.hostname()}`, 'EHLO', [250]);
    await command(`MAIL FROM:<${oneLine(message.from)}>`, 'MAIL FROM', [250]);
    await command(`RCPT TO:<${oneLine(message.to)}>`, 'RCPT TO', [250, 251]);
    await command('DATA', 'DATA', [354]);
    await command(`${formatMessage(message)}\r\n.`, 'message', [250]);
    await command('QUIT', 'QUIT', [221]).catch(() => {});
  } finally {
    socket.destroy();
  }
}
