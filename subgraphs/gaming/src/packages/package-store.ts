import type { Db, Decimal128, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type Tier = 'Ruby' | 'Sapphire' | 'Diamond' | 'VIP';

export interface GamingPackageDocument {
  id: string;
  name: string;
  description: string;
  price: Decimal128;
  credits: Decimal128;
  validity_hours: number;
  tier_access: Tier[];
  is_active: boolean;
  created_at: Date;
}

export interface GamingPackageFilterInput {
  isActive?: boolean | null;
  tier?: Tier | null;
}

export const GAMING_PACKAGES = 'gaming_packages';

export const packageIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const GAMING_PACKAGE_FILTER_FIELDS = { isActive: 'is_active', tier: 'tier_access' } as const;

export class GamingPackageStore extends CollectionStore<GamingPackageDocument> {
  constructor(db: Db) {
    super(db, GAMING_PACKAGES);
  }

  page(input: GamingPackageFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, GAMING_PACKAGE_FILTER_FIELDS, args, paging);
  }
}
