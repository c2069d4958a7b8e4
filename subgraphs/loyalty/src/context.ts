import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { LedgerStore } from './ledger/ledger-store';
import { MemberStore } from './members/member-store';
import type { MemberDocument } from './members/member-store';
import { RedemptionStore } from './redemptions/redemption-store';
import type { RewardRedemptionDocument } from './redemptions/redemption-store';
import { RewardStore } from './rewards/reward-store';
import type { RewardDocument } from './rewards/reward-store';
import { MemberService } from './members/member-service';

export interface LoyaltyStores {
  members: MemberStore;
  rewards: RewardStore;
  redemptions: RedemptionStore;
  ledger: LedgerStore;
}

export function createStores(db: Db): LoyaltyStores {
  return {
    members: new MemberStore(db),
    rewards: new RewardStore(db),
    redemptions: new RedemptionStore(db),
    ledger: new LedgerStore(db),
  };
}

export interface LoyaltyContext extends SubgraphRequestBase {
  paging: PagingConfig;
  stores: LoyaltyStores;
  services: { members: MemberService };
  loaders: {
    member: DataLoader<string, MemberDocument | null>;
    reward: DataLoader<string, RewardDocument | null>;
    redemption: DataLoader<string, RewardRedemptionDocument | null>;
  };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createLoyaltyContext(base: SubgraphRequestBase, deps: SubgraphDeps): LoyaltyContext {
  const stores = createStores(deps.db);
  return {
    ...base,
    paging: deps.paging,
    stores,
    services: { members: new MemberService(stores.members) },
    loaders: {
      member: createOneByKeyLoader(stores.members.collection, 'id'),
      reward: createOneByKeyLoader(stores.rewards.collection, 'id'),
      redemption: createOneByKeyLoader(stores.redemptions.collection, 'id'),
    },
  };
}
