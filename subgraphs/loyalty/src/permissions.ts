import { isAuthenticated } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

/**
 * Who may do what in loyalty (PRODUCT.md §4). Every admin role reads members, rewards, redemptions and the
 * ledger, and registers members. `Member.nicPassport` is readable by every admin role too: its resolver
 * decides between the full number (GeneralAdmin+ or `pii:read`, audited) and the mask. Anonymous callers
 * and service identities get nothing here (no field is marked `isService`).
 */
export const rules: RuleTree = {
  Query: {
    member: isAuthenticated,
    members: isAuthenticated,
    reward: isAuthenticated,
    rewards: isAuthenticated,
    rewardRedemption: isAuthenticated,
    rewardRedemptions: isAuthenticated,
    pointsLedgerEntry: isAuthenticated,
    pointsLedgerEntries: isAuthenticated,
  },
  Mutation: {
    registerMember: isAuthenticated,
  },
  Member: { '*': isAuthenticated, nicPassport: isAuthenticated },
  MemberEdge: isAuthenticated,
  MemberConnection: isAuthenticated,
  Reward: isAuthenticated,
  RewardEdge: isAuthenticated,
  RewardConnection: isAuthenticated,
  RewardRedemption: isAuthenticated,
  RewardRedemptionEdge: isAuthenticated,
  RewardRedemptionConnection: isAuthenticated,
  PointsLedgerEntry: isAuthenticated,
  PointsLedgerEntryEdge: isAuthenticated,
  PointsLedgerConnection: isAuthenticated,
  PageInfo: isAuthenticated,
};
