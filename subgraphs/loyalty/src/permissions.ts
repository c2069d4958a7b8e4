import { atLeast, fromService, isAuthenticated, or } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

/** The services that call loyalty, each for its own reads and writes (see the rules below). */
const compliance = fromService('compliance');
const gaming = fromService('gaming');
/** `member(id)`: gaming before seating a member, marketing before sending, compliance before an erasure */
const memberReaders = or(isAuthenticated, fromService('compliance', 'gaming', 'marketing'));
/** Member fields gaming reads to decide on a session, marketing on an audience or a message */
const gamingAndMarketing = or(isAuthenticated, fromService('gaming', 'marketing'));
/** Member fields marketing reads for consent, audiences and its analytics job (as `_entities`) */
const marketing = or(isAuthenticated, fromService('marketing'));

/**
 * Who may do what in loyalty (PRODUCT.md §4). Every admin role reads members, rewards, redemptions and the
 * ledger, registers members and redeems rewards. `Member.nicPassport` is readable by every admin role too: its
 * resolver decides between the full number (GeneralAdmin+ or `pii:read`, audited) and the mask. Each service
 * reaches only what it really calls: gaming reads `member(id)` with the fields it needs to decide on a session
 * (`id isActive selfExcluded tier`) and credits finished sessions; marketing reads consent and the facts of its
 * analytics; compliance reads its feeds and KYC state and runs key rotation, erasure and retention here.
 */
export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    loyaltyDeadLetters: atLeast('SuperAdmin'),
    member: memberReaders,
    members: isAuthenticated,
    reward: isAuthenticated,
    rewards: isAuthenticated,
    rewardRedemption: isAuthenticated,
    rewardRedemptions: isAuthenticated,
    pointsLedgerEntry: isAuthenticated,
    pointsLedgerEntries: isAuthenticated,
    memberLedgerCheck: atLeast('Manager'),
    loyaltyDashboard: atLeast('Manager'),
    comp: isAuthenticated,
    comps: isAuthenticated,
    vipExperience: isAuthenticated,
    vipExperiences: isAuthenticated,
    // compliance feed: member figures for compliance's reports and dashboard, service identities only
    complianceMemberCounts: compliance,
    selfExcludedMemberIds: compliance,
    selfExclusionsInEffect: compliance,
    membersWithExpiringDocuments: compliance,
  },
  Mutation: {
    retryLoyaltyDeadLetter: atLeast('SuperAdmin'),
    registerMember: isAuthenticated,
    registerMemberFromWalkIn: fromService('marketing'),
    creditGamingSession: gaming,
    redeemReward: isAuthenticated,
    cancelRedemption: atLeast('Manager'),
    // the per-role limits (Manager up to a configured amount, Supervisor never) are checked by the service
    adjustPoints: atLeast('Manager'),
    createReward: atLeast('Manager'),
    updateReward: atLeast('Manager'),
    // kycVerified needs GeneralAdmin or above: checked by the resolver, as it depends on the input
    updateMember: isAuthenticated,
    setSelfExclusion: atLeast('Manager'),
    // any role records a self-exclusion (in effect at once); reinstatement needs a Manager (PRODUCT.md §4)
    recordSelfExclusion: isAuthenticated,
    reinstateMember: atLeast('Manager'),
    runLoyaltyJobs: atLeast('SuperAdmin'),
    // comps: any role issues (above its limit the comp waits for approval) and redeems; approving, declining
    // and voiding need a Manager, and the service checks the caller's limit covers the amount
    issueComp: isAuthenticated,
    approveComp: atLeast('Manager'),
    declineComp: atLeast('Manager'),
    redeemComp: isAuthenticated,
    voidComp: atLeast('Manager'),
    // VIP experiences: any role requests (the host), schedules and completes; approving needs a Manager (and
    // the service checks the comp limit covers the cost); cancelling is checked by the service, as it depends on
    // the experience: a Manager at any stage, the requester while it is still requested
    requestVipExperience: isAuthenticated,
    approveVipExperience: atLeast('Manager'),
    scheduleVipExperience: isAuthenticated,
    completeVipExperience: isAuthenticated,
    cancelVipExperience: isAuthenticated,
    // hosts: the service checks the staff member is active and in the caller's department scope
    assignHost: atLeast('Manager'),
    // key rotation: the orchestrating service re-seals protected fields in batches
    resealLoyaltyProtectedFields: compliance,
    // right to erasure: compliance's eraseMember anonymises the member here
    eraseLoyaltyMemberData: compliance,
    // retention enforcement: compliance's service runs the member_data policy
    applyLoyaltyRetention: compliance,
  },
  Member: {
    '*': isAuthenticated,
    nicPassport: isAuthenticated,
    id: memberReaders,
    isActive: gamingAndMarketing,
    selfExcluded: gamingAndMarketing,
    // compliance's KYC report reads it for the heavy players gaming names
    kycVerified: or(isAuthenticated, fromService('compliance')),
    tier: gamingAndMarketing,
    // marketing checks consent before it sends marketing to a member
    marketingConsent: marketing,
    // marketing's analytics job reads these for segments and birthday months (as `_entities`)
    pointsBalance: marketing,
    totalPointsEarned: marketing,
    registrationDate: marketing,
    dateOfBirth: marketing,
    // compliance reads expiry dates through membersWithExpiringDocuments, never through Member
    documentExpiry: isAuthenticated,
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
  TierReinvestment: atLeast('Manager'),
  Comp: isAuthenticated,
  CompEdge: isAuthenticated,
  CompConnection: isAuthenticated,
  CompChange: isAuthenticated,
  VipExperience: isAuthenticated,
  VipExperienceEdge: isAuthenticated,
  VipExperienceConnection: isAuthenticated,
  VipExperienceChange: isAuthenticated,
  // the portfolio: the service applies workforce's department scope (Managers and Supervisors: their own)
  StaffMember: isAuthenticated,
  HostedMember: isAuthenticated,
  TierProgress: isAuthenticated,
  PointsExpiry: isAuthenticated,
  GamingSessionCredit: gaming,
  LoyaltyJobsResult: atLeast('SuperAdmin'),
  ComplianceMemberCounts: compliance,
  SelfExclusion: isAuthenticated,
  SelfExclusionWindow: compliance,
  ExpiringDocumentPage: compliance,
  ExpiringDocumentMember: compliance,
  ProtectedFieldRotation: compliance,
  LoyaltyMemberErasure: compliance,
  LoyaltyRetentionResult: compliance,
};
