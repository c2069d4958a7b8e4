import { z } from 'zod';
import {
  badUserInput,
  conflict,
  notFound,
  optionalEmailAddress,
  optionalPhoneNumber,
  validateInput,
} from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { MarketingSettings } from '../settings';
import type { TemplateStore } from '../templates/template-store';
import type { NotificationDispatcher } from './dispatcher';
import type { MemberMarketingLookup } from './member-consent';
import { NOTIFICATION_CHANNELS, NOTIFICATION_PRIORITIES } from './notification-store';
import type { NotificationDocument, NotificationFilterInput, NotificationStore } from './notification-store';
import { releaseTime } from './quiet-hours';
import { checkVariables, render } from './render';

const emptyToNull = (value: string | null | undefined) => (value ? value : null);

const sendSchema = z
  .object({
    templateId: z.string().min(1, 'is required'),
    recipientType: z.enum(['user', 'admin', 'system']),
    recipientId: z.string().trim().max(100, 'is too long').nullish().transform(emptyToNull),
    recipientEmail: optionalEmailAddress,
    recipientPhone: optionalPhoneNumber,
    variables: z.unknown().optional(),
    channels: z
      .array(z.enum(NOTIFICATION_CHANNELS))
      .min(1, 'must name at least one channel')
      .nullish()
      .transform((channels) => (channels ? [...new Set(channels)] : null)),
    priority: z.enum(NOTIFICATION_PRIORITIES).nullish(),
    scheduledAt: z.date().nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.recipientType === 'system' && input.recipientId) {
      ctx.addIssue({ code: 'custom', path: ['recipientId'], message: 'must be empty for the system' });
    }
    if (input.recipientType !== 'system' && !input.recipientId) {
      ctx.addIssue({
        code: 'custom',
        path: ['recipientId'],
        message: `is required for ${input.recipientType} recipients`,
      });
    }
  });

export type SendNotificationInput = z.input<typeof sendSchema>;

export interface NotificationChange {
  before: NotificationDocument;
  after: NotificationDocument;
}

export class NotificationService {
  constructor(
    private readonly notifications: NotificationStore,
    private readonly templates: TemplateStore,
    private readonly dispatcher: NotificationDispatcher,
    private readonly settings: MarketingSettings,
    private readonly memberLookup: MemberMarketingLookup,
  ) {}

  /** A page of notifications, newest first. */
  page(filter: NotificationFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.notifications.page(filter, args, paging);
  }

  /**
   * Renders an active template for one recipient and sends it now, or leaves it pending until the requested
   * time (or, unless it is critical, the end of the quiet hours that time falls in) for the dispatcher.
   * Marketing goes only to members who consented and are not self-excluded.
   */
  async send(rawInput: SendNotificationInput, now = new Date()): Promise<NotificationDocument> {
    const input = validateInput(sendSchema, rawInput);
    const template = await this.templates.findById(input.templateId);
    if (!template) throw notFound('NotificationTemplate', input.templateId);
    if (!template.is_active) throw badUserInput('input.templateId', 'the template is not active');
    const channels = input.channels ?? template.channels;
    channels.forEach((channel, i) => {
      if (!template.channels.includes(channel)) {
        throw badUserInput(`input.channels.${i}`, `the template is not sent on ${channel}`);
      }
    });
    if (channels.includes('email') && !input.recipientEmail) {
      throw badUserInput('input.recipientEmail', 'is required to send by email');
    }
    if (channels.includes('sms') && !input.recipientPhone) {
      throw badUserInput('input.recipientPhone', 'is required to send by SMS');
    }
    const values = checkVariables(template.variables, input.variables);
    if (template.category === 'marketing' && input.recipientType === 'user') {
      const member = await this.memberLookup(input.recipientId!);
      if (!member) throw notFound('Member', input.recipientId!);
      if (member.selfExcluded) {
        throw conflict('self-excluded members never receive marketing', 'input.recipientId');
      }
      if (!member.marketingConsent) {
        throw conflict('the member has not consented to marketing', 'input.recipientId');
      }
    }
    const priority = input.priority ?? template.priority;
    const requested = input.scheduledAt && input.scheduledAt > now ? input.scheduledAt : now;
    const dueAt = releaseTime(
      requested,
      {
        start: this.settings.quietHoursStart,
        end: this.settings.quietHoursEnd,
        timeZone: this.settings.timeZone,
      },
      priority === 'critical',
    );
    const deferred = dueAt.getTime() !== requested.getTime();
    const notification: NotificationDocument = {
      id: newId(),
      template_id: template.id,
      recipient_type: input.recipientType,
      recipient_id: input.recipientId,
      recipient_email: input.recipientEmail,
      recipient_phone: input.recipientPhone,
      title: render(template.title, values),
      content: render(template.content, values),
      category: template.category,
      priority,
      channels,
      status: 'pending',
      scheduled_at: input.scheduledAt ?? null,
      sent_at: null,
      delivered_at: null,
      read_at: null,
      metadata: { variables: values, ...(deferred ? { deferredByQuietHours: true } : {}) },
      created_at: now,
      due_at: dueAt,
      status_history: [
        {
          status: 'pending',
          at: now,
          reason: deferred ? `deferred by quiet hours until ${dueAt.toISOString()}` : null,
        },
      ],
    };
    await this.notifications.insert(notification);
    if (dueAt.getTime() > now.getTime()) return notification;
    return (await this.dispatcher.dispatch(notification.id, now)) ?? notification;
  }

  /** A delivered notification becomes read, once; anything else is a CONFLICT. */
  async markRead(id: string, now = new Date()): Promise<NotificationChange> {
    const before = await this.notifications.findById(id);
    if (!before) throw notFound('Notification', id);
    const after = await this.notifications.markRead(id, now);
    if (!after) throw conflict(`a ${before.status} notification cannot be marked read`, 'id');
    return { before, after };
  }
}
