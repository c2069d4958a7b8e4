import { atLeast, isAuthenticated, isService, or } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

/** Cash per member per gaming day: compliance's service (CTR/MTL) and GeneralAdmin and above. */
const complianceReader = or(isService, atLeast('GeneralAdmin'));

/**
 * Who may do what in gaming (PRODUCT.md §4). Every admin role reads sessions, game types, packages and
 * members' play, starts and ends gaming sessions and sells packages (tier access is checked by the service).
 * Managing game types and packages has no mutation here yet; when one is added it gets
 * `or(atLeast('GeneralAdmin'), inOwnDepartment(...))` (Supervisor never). Dashboards are for Manager and
 * above. Anonymous callers get nothing; service identities only the AML cash summary.
 */
export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    gamingDeadLetters: atLeast('SuperAdmin'),
    gamingSession: isAuthenticated,
    gamingSessions: isAuthenticated,
    gameType: isAuthenticated,
    gameTypes: isAuthenticated,
    gamingPackage: isAuthenticated,
    gamingPackages: isAuthenticated,
    gamingDashboard: atLeast('Manager'),
    amlCashSummary: complianceReader,
    // compliance feed: aggregates for compliance's reports and dashboard, service identities only
    complianceCashCounts: isService,
    compliancePlayVolumes: isService,
    responsibleGamingSummary: isService,
    // marketing's analytics job: members' play profiles, service identities only
    memberPlayProfiles: isService,
  },
  Mutation: {
    retryGamingDeadLetter: atLeast('SuperAdmin'),
    startGamingSession: isAuthenticated,
    endGamingSession: isAuthenticated,
    purchaseGamingPackage: isAuthenticated,
    // retention enforcement: compliance's service runs the gaming_logs policy
    applyGamingRetention: isService,
    // right to erasure: compliance's eraseMember runs gaming's step here
    eraseGamingMemberData: isService,
  },
  Member: isAuthenticated,
  PlayStats: isAuthenticated,
  GameType: isAuthenticated,
  GameTypeEdge: isAuthenticated,
  GameTypeConnection: isAuthenticated,
  GamingSession: isAuthenticated,
  GamingSessionEdge: isAuthenticated,
  GamingSessionConnection: isAuthenticated,
  GamingPackage: isAuthenticated,
  GamingPackageEdge: isAuthenticated,
  GamingPackageConnection: isAuthenticated,
  GamingPackagePurchase: isAuthenticated,
  PageInfo: isAuthenticated,
  GamingDashboard: atLeast('Manager'),
  GamingMemberErasure: isService,
  GamingPerformance: atLeast('Manager'),
  GameTypePerformance: atLeast('Manager'),
  DailyGamingPerformance: atLeast('Manager'),
  PlayerTheo: atLeast('Manager'),
  MemberCashDay: complianceReader,
  CashTransaction: complianceReader,
  ComplianceCashCounts: isService,
  MemberPlayVolume: isService,
  LongGamingSession: isService,
  MemberLossDay: isService,
  WatchedMemberPlay: isService,
  ResponsibleGamingSummary: isService,
  MemberPlayProfile: isService,
  MemberPlayProfilePage: isService,
  GamingRetentionResult: isService,
};
