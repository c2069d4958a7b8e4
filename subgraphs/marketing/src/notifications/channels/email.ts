import { createTransport } from 'nodemailer';
import type { ChannelAdapter } from './types';
import { DeliveryError } from './types';

export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465 style) instead of a plain connection */
  secure?: boolean;
  /** On a plain connection, refuse to go on (and to authenticate) unless the server upgrades with STARTTLS */
  requireTls?: boolean;
  /** SMTP AUTH credentials; none sends without authenticating */
  auth?: { user: string; password: string } | null;
  /** PEM CA certificate(s) the server's certificate must chain to, instead of the system CAs */
  ca?: string | Buffer | null;
  /** Connecting, the greeting and every reply each get this long */
  timeoutMs: number;
  /** The envelope and header sender */
  from: string;
}

/** What nodemailer tells about a failure: a code (EAUTH, ETLS, ...), the SMTP command and the reply code. */
interface SmtpFailure {
  code?: string;
  /** The system or TLS error code underneath (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...) */
  originalCode?: string;
  command?: string;
  responseCode?: number;
}

/**
 * A failure whose message is safe to store: a stable code first, then the step and the server's reply code.
 * Never the server's text (it may echo the recipient's address) nor anything from the credentials.
 */
function deliveryErrorOf(error: unknown, requireTls: boolean): DeliveryError {
  const { code, originalCode, command, responseCode } = (error ?? {}) as SmtpFailure;
  if (originalCode && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(originalCode)) {
    return new DeliveryError(`SMTP_TLS_FAILED: the SMTP server's certificate was refused (${originalCode})`);
  }
  const reply = responseCode ? ` (${responseCode})` : '';
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return new DeliveryError(`SMTP_AUTH_FAILED: the SMTP server refused the credentials${reply}`);
    case 'ETLS':
      return requireTls && command === 'STARTTLS' && responseCode
        ? new DeliveryError(
            `SMTP_TLS_REQUIRED: the SMTP server does not offer STARTTLS and SMTP_REQUIRE_TLS is set${reply}`,
          )
        : new DeliveryError('SMTP_TLS_FAILED: the TLS handshake with the SMTP server failed');
    case 'ETIMEDOUT':
      return new DeliveryError('SMTP_TIMEOUT: the SMTP server did not answer in time');
    case 'ECONNECTION':
    case 'EDNS':
    case 'ESOCKET':
      return new DeliveryError(
        `SMTP_UNREACHABLE: could not talk to the SMTP server (${originalCode ?? code})`,
      );
    default:
      if (command && responseCode) {
        // e.g. "SMTP_REFUSED: RCPT TO refused: 550"
        return new DeliveryError(
          `SMTP_REFUSED: ${command.split(' ').slice(0, 2).join(' ')} refused: ${responseCode}`,
        );
      }
      return new DeliveryError(`SMTP_FAILED: the SMTP exchange failed${code ? ` (${code})` : ''}`);
  }
}

/** Email over SMTP to the notification's recipient email, with the rendered title as subject. */
export function emailAdapter(options: SmtpOptions): ChannelAdapter {
  const requireTls = Boolean(options.requireTls) && !options.secure;
  const transport = createTransport({
    host: options.host,
    port: options.port,
    secure: Boolean(options.secure),
    requireTLS: requireTls,
    auth: options.auth ? { user: options.auth.user, pass: options.auth.password } : undefined,
    tls: options.ca ? { ca: options.ca } : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // nodemailer's own logging could print the AUTH exchange
    logger: false,
    debug: false,
  });
  return {
    channel: 'email',
    async deliver(notification) {
      if (!notification.recipient_email) throw new DeliveryError('no recipient email');
      try {
        await transport.sendMail({
          from: options.from,
          to: notification.recipient_email,
          subject: notification.title,
          text: notification.content,
        });
      } catch (error) {
        throw deliveryErrorOf(error, requireTls);
      }
    },
  };
}
