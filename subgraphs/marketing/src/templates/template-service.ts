import { z } from 'zod';
import { conflict, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { optionalDepartmentSchema } from '../departments';
import type { Creator } from '../departments';
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PRIORITIES,
} from '../notifications/notification-store';
import type { NotificationTemplateDocument, TemplateFilterInput, TemplateStore } from './template-store';
import { TEMPLATE_RULES } from '../settings';

/** `{first_name}`: a placeholder is an identifier in braces. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The distinct placeholders used in a text, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

const createTemplateSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(TEMPLATE_RULES.nameMaxLength, 'is too long'),
    category: z.enum(NOTIFICATION_CATEGORIES),
    title: z.string().trim().min(1, 'is required').max(TEMPLATE_RULES.titleMaxLength, 'is too long'),
    content: z.string().trim().min(1, 'is required').max(TEMPLATE_RULES.contentMaxLength, 'is too long'),
    variables: z
      .array(z.string().trim().regex(VARIABLE_NAME, 'must be a name of letters, digits and underscores'))
      .max(TEMPLATE_RULES.maxVariables, `at most ${TEMPLATE_RULES.maxVariables} variables`)
      .nullish()
      .transform((variables) => [...new Set(variables ?? [])]),
    channels: z
      .array(z.enum(NOTIFICATION_CHANNELS))
      .min(1, 'must name at least one channel')
      .transform((channels) => [...new Set(channels)]),
    priority: z
      .enum(NOTIFICATION_PRIORITIES)
      .nullish()
      .transform((p) => p ?? 'normal'),
    department: optionalDepartmentSchema,
  })
  .superRefine((input, ctx) => {
    const declared = new Set(input.variables);
    const undeclared = placeholdersIn(`${input.title}\n${input.content}`).filter((v) => !declared.has(v));
    if (undeclared.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['variables'],
        message: `must list every placeholder used; missing ${undeclared.map((v) => `{${v}}`).join(', ')}`,
      });
    }
  });

export type CreateNotificationTemplateInput = z.input<typeof createTemplateSchema>;

export class TemplateService {
  constructor(private readonly templates: TemplateStore) {}

  /** A page of templates, newest first. */
  page(filter: TemplateFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.templates.page(filter, args, paging);
  }

  /** As for campaigns: without a department in the input, the template gets the creator's default one. */
  async create(
    rawInput: CreateNotificationTemplateInput,
    creator: Creator,
    now = new Date(),
  ): Promise<NotificationTemplateDocument> {
    const input = validateInput(createTemplateSchema, rawInput);
    const template: NotificationTemplateDocument = {
      id: newId(),
      name: input.name,
      category: input.category,
      title: input.title,
      content: input.content,
      variables: input.variables,
      channels: input.channels,
      priority: input.priority,
      is_active: true,
      department: input.department ?? creator.defaultDepartment,
      created_by: creator.userId,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.templates.insert(template);
      return template;
    } catch (error) {
      if (duplicateKeyField(error) === 'name') {
        throw conflict('a notification template with this name already exists', 'input.name');
      }
      throw error;
    }
  }
}
