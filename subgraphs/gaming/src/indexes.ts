import type { IndexPlan } from '@casino/mongo';
import { GAME_TYPES, gameTypeIndexes } from './game-types/game-type-store';
import { GAMING_PACKAGES, packageIndexes } from './packages/package-store';
import { PACKAGE_PURCHASES, packagePurchaseIndexes } from './packages/purchase-store';
import { GAMING_RETENTION_INDEXES, GAMING_SESSIONS, sessionIndexes } from './sessions/session-store';

export const GAMING_INDEXES: IndexPlan = {
  [GAME_TYPES]: gameTypeIndexes,
  [GAMING_SESSIONS]: sessionIndexes,
  [GAMING_PACKAGES]: packageIndexes,
  [PACKAGE_PURCHASES]: packagePurchaseIndexes,
  ...GAMING_RETENTION_INDEXES,
};
