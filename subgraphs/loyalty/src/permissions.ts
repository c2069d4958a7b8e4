import { atLeast, isAuthenticated, isService, or } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

const adminOrService = or(isAuthenticated, isService);

/**
 * Who may do what in loyalty (PRODUCT.md §4). Every admin role reads members, rewards, redemptions and the
 * ledger, registers members and redeems rewards. `Member.nicPassport` is readable by every admin role too: its
 * resolver decides between the full number (GeneralAdmin+ or `pii:read`, audited) and the mask. Services
 * (gaming) may read `member(id)` with the fields they need to decide on a session (`id isActive selfExcluded
 * tier`) and credit finished sessions; nothing else.
 */
export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    loyaltyDeadLetters: atLeast('SuperAdmin'),
    member: adminOrService,
    members: isAuthenticated,
    reward: isAuthenticated,
    rewards: isAuthenticated,
    rewardRedemption: isAuthenticated,
    rewardRedemptions: isAuthenticated,
    pointsLedgerEntry: isAuthenticated,
    pointsLedgerEntries: isAuthenticated,
    memberLedgerCheck: atLeast('Manager'),
    loyaltyDashboard: atLeast('Manager'),
    // compliance feed: member figures for compliance's reports and dashboard, service identities only
    complianceMemberCounts: isService,
    selfExcludedMemberIds: isService,
    membersWithExpiringDocuments: isService,
  },
  Mutation: {
    retryLoyaltyDeadLetter: atLeast('SuperAdmin'),
    registerMember: isAuthenticated,
    creditGamingSession: isService,
    redeemReward: isAuthenticated,
    cancelRedemption: atLeast('Manager'),
    // the per-role limits (Manager up to a configured amount, Supervisor never) are checked by the service
    adjustPoints: atLeast('Manager'),
    createReward: atLeast('Manager'),
    updateReward: atLeast('Manager'),
    // kycVerified needs GeneralAdmin or above: checked by the resolver, as it depends on the input
    updateMember: isAuthenticated,
    setSelfExclusion: atLeast('Manager'),
    runLoyaltyJobs: atLeast('SuperAdmin'),
    // key rotation: the orchestrating service re-seals protected fields in batches
    resealLoyaltyProtectedFields: isService,
    // right to erasure: compliance's eraseMember anonymises the member here
    eraseLoyaltyMemberData: isService,
    // retention enforcement: compliance's service runs the member_data policy
    applyLoyaltyRetention: isService,
  },
  Member: {
    '*': isAuthenticated,
    nicPassport: isAuthenticated,
    id: adminOrService,
    isActive: adminOrService,
    selfExcluded: adminOrService,
    // compliance's KYC report reads it for the heavy players gaming names
    kycVerified: adminOrService,
    tier: adminOrService,
    // marketing checks consent before it sends marketing to a member
    marketingConsent: adminOrService,
    // marketing's analytics job reads these for segments and birthday months (as `_entities`)
    pointsBalance: adminOrService,
    totalPointsEarned: adminOrService,
    registrationDate: adminOrService,
    dateOfBirth: adminOrService,
    // compliance reads it with the members' KYC state
    documentExpiry: adminOrService,
  },
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
  LedgerCheck: atLeast('Manager'),
  LoyaltyDashboard: atLeast('Manager'),
  TierCount: atLeast('Manager'),
  TopReward: atLeast('Manager'),
  TierProgress: isAuthenticated,
  PointsExpiry: isAuthenticated,
  GamingSessionCredit: isService,
  LoyaltyJobsResult: atLeast('SuperAdmin'),
  ComplianceMemberCounts: isService,
  ExpiringDocumentPage: isService,
  ExpiringDocumentMember: isService,
  ProtectedFieldRotation: isService,
  LoyaltyMemberErasure: isService,
  LoyaltyRetentionResult: isService,
};
