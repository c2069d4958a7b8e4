import { sendMail } from './smtp-client';
import type { SmtpOptions } from './smtp-client';
import type { ChannelAdapter } from './types';
import { DeliveryError } from './types';

/** Email over SMTP to the notification's recipient email, with the rendered title as subject. */
export function emailAdapter(options: SmtpOptions & { from: string }): ChannelAdapter {
  return {
    channel: 'email',
    async deliver(notification) {
      if (!notification.recipient_email) throw new DeliveryError('no recipient email');
      await sendMail(options, {
        from: options.from,
        to: notification.recipient_email,
        subject: notification.title,
        text: notification.content,
      });
    },
  };
}
