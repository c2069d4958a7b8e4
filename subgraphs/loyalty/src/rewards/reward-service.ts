import { z } from 'zod';
import type { Decimal128 } from 'mongodb';
import { badUserInput, validateInput } from '@casino/errors';
import { isNegativeMoney, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Tier } from '../members/member-store';
import type { RewardCategory, RewardDocument, RewardFilterInput, RewardStore } from './reward-store';

const TIERS = ['Ruby', 'Sapphire', 'Diamond', 'VIP'] as const;
const CATEGORIES = ['dining', 'accommodation', 'gaming', 'merchandise'] as const;

const fields = {
  name: z.string().trim().min(1, 'is required').max(100, 'is too long'),
  description: z.string().trim().max(2_000, 'is too long'),
  category: z.enum(CATEGORIES),
  pointsRequired: z.number().int().min(1, 'must be at least 1').max(10_000_000, 'is too large'),
  cashValue: z.custom<Decimal128>().refine((m) => !isNegativeMoney(m), 'must not be negative'),
  tierAccess: z
    .array(z.enum(TIERS))
    .min(1, 'needs at least one tier')
    .transform((tiers) => [...new Set(tiers)]),
  stockQuantity: z.number().int().min(0, 'must not be negative').nullable(),
  isActive: z.boolean(),
};

const createSchema = z.object({
  ...fields,
  stockQuantity: fields.stockQuantity.optional(),
  isActive: fields.isActive.nullish(),
});

const updateSchema = z.object({
  id: z.string().trim().min(1, 'is required'),
  name: fields.name.optional(),
  description: fields.description.optional(),
  category: fields.category.optional(),
  pointsRequired: fields.pointsRequired.optional(),
  cashValue: fields.cashValue.optional(),
  tierAccess: fields.tierAccess.optional(),
  /** null means unlimited; absent leaves it unchanged */
  stockQuantity: fields.stockQuantity.optional(),
  isActive: fields.isActive.optional(),
});

/** Keeps `stockQuantity: null` (unlimited), drops other nulls (unchanged). */
function present(input: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(input).filter(([k, v]) => v !== undefined && (v !== null || k === 'stockQuantity')),
  );
}

export class RewardService {
  constructor(private readonly rewards: RewardStore) {}

  /** A page of rewards, newest first. */
  page(filter: RewardFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.rewards.page(filter, args, paging);
  }

  async create(raw: z.input<typeof createSchema>, now = new Date()): Promise<RewardDocument> {
    const input = validateInput(createSchema, raw);
    const reward: RewardDocument = {
      id: newId(),
      name: input.name,
      description: input.description,
      category: input.category as RewardCategory,
      points_required: input.pointsRequired,
      cash_value: input.cashValue,
      tier_access: input.tierAccess as Tier[],
      stock_quantity: input.stockQuantity ?? null,
      is_active: input.isActive ?? true,
      created_at: now,
    };
    await this.rewards.insert(reward);
    return reward;
  }

  async update(raw: object): Promise<{ before: RewardDocument; after: RewardDocument }> {
    const input = validateInput(updateSchema, present(raw as Record<string, unknown>));
    const set: Partial<RewardDocument> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.description !== undefined) set.description = input.description;
    if (input.category !== undefined) set.category = input.category;
    if (input.pointsRequired !== undefined) set.points_required = input.pointsRequired;
    if (input.cashValue !== undefined) set.cash_value = input.cashValue;
    if (input.tierAccess !== undefined) set.tier_access = input.tierAccess as Tier[];
    if (input.stockQuantity !== undefined) set.stock_quantity = input.stockQuantity;
    if (input.isActive !== undefined) set.is_active = input.isActive;
    const before = await this.rewards.change(input.id, set);
    if (!before) throw badUserInput('input.id', 'no reward with this id');
    return { before, after: { ...before, ...set } };
  }
}
