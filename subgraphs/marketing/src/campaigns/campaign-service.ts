import { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { conflict, notFound, validateInput } from '@casino/errors';
import { duplicateKeyField, isNegativeMoney, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { optionalDepartmentSchema } from '../departments';
import type { Creator } from '../departments';
import type {
  CampaignFilterInput,
  CampaignStatus,
  CampaignStore,
  MarketingCampaignDocument,
} from './campaign-store';
import { CAMPAIGN_RULES } from '../settings';

const createCampaignSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(CAMPAIGN_RULES.nameMaxLength, 'is too long'),
    description: z
      .string()
      .trim()
      .max(CAMPAIGN_RULES.descriptionMaxLength, 'is too long')
      .nullish()
      .transform((d) => d ?? ''),
    campaignType: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(CAMPAIGN_RULES.campaignTypeMaxLength, 'is too long'),
    targetAudience: z
      .array(
        z.string().trim().min(1, 'must not be empty').max(CAMPAIGN_RULES.segmentMaxLength, 'is too long'),
      )
      .max(CAMPAIGN_RULES.maxAudienceSegments, `at most ${CAMPAIGN_RULES.maxAudienceSegments} segments`)
      .transform((segments) => [...new Set(segments)]),
    startDate: z.date(),
    endDate: z.date(),
    budget: z
      .instanceof(Decimal128, { message: 'must be a money amount' })
      .refine((amount) => !isNegativeMoney(amount), 'must not be negative'),
    estimatedReach: z
      .number()
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .nullish()
      .transform((n) => n ?? 0),
    department: optionalDepartmentSchema,
  })
  .refine((input) => input.startDate.getTime() < input.endDate.getTime(), {
    message: 'must be after startDate',
    path: ['endDate'],
  });

/** The only moves of a campaign's lifecycle: for each status, the statuses it may go to. */
export const CAMPAIGN_TRANSITIONS: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['active', 'cancelled'],
  active: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export interface CampaignStatusChange {
  before: MarketingCampaignDocument;
  after: MarketingCampaignDocument;
}

export type CreateMarketingCampaignInput = z.input<typeof createCampaignSchema>;

export class CampaignService {
  constructor(private readonly campaigns: CampaignStore) {}

  /** A page of campaigns, newest (by start date) first. */
  page(filter: CampaignFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.campaigns.page(filter, args, paging);
  }

  /**
   * A new campaign starts in draft with no reach yet. Whether the creator may run a campaign for the input's
   * department is the permission rules' business; without one it gets the creator's default department.
   */
  async create(
    rawInput: CreateMarketingCampaignInput,
    creator: Creator,
    now = new Date(),
  ): Promise<MarketingCampaignDocument> {
    const input = validateInput(createCampaignSchema, rawInput);
    const campaign: MarketingCampaignDocument = {
      id: newId(),
      name: input.name,
      description: input.description,
      campaign_type: input.campaignType,
      target_audience: input.targetAudience,
      start_date: input.startDate,
      end_date: input.endDate,
      budget: input.budget,
      estimated_reach: input.estimatedReach,
      actual_reach: 0,
      conversion_rate: 0,
      status: 'draft',
      department: input.department ?? creator.defaultDepartment,
      created_by: creator.userId,
      created_at: now,
    };
    try {
      await this.campaigns.insert(campaign);
      return campaign;
    } catch (error) {
      if (duplicateKeyField(error) === 'name') {
        throw conflict('a marketing campaign with this name already exists', 'input.name');
      }
      throw error;
    }
  }

  /**
   * Moves a campaign along its lifecycle. The update is guarded by the status it was read in, so of two
   * concurrent moves from the same status only one wins; the other (and any move the lifecycle does not
   * allow) is a CONFLICT.
   */
  async updateStatus(id: string, to: CampaignStatus, now = new Date()): Promise<CampaignStatusChange> {
    const before = await this.campaigns.findById(id);
    if (!before) throw notFound('MarketingCampaign', id);
    if (!CAMPAIGN_TRANSITIONS[before.status].includes(to)) {
      throw conflict(`a ${before.status} campaign cannot become ${to}`, 'input.status');
    }
    const after = await this.campaigns.transition(id, before.status, to, now);
    if (!after) throw conflict('the campaign changed status meanwhile; read it again', 'input.status');
    return { before, after };
  }
}
