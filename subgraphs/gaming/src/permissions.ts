import { atLeast, fromService, isAuthenticated, or } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

/** Compliance's service: its report and dashboard feeds, retention enforcement and erasure steps. */
const compliance = fromService('compliance');
/** Marketing's service: its analytics job reads members' play profiles. */
const marketing = fromService('marketing');
/** Loyalty's service: it checks a session against gaming's record before crediting points for it. */
const loyalty = fromService('loyalty');
/** Cash per member per gaming day: compliance's service (CTR/MTL) and GeneralAdmin and above. */
const complianceReader = or(compliance, atLeast('GeneralAdmin'));

/**
 * Who may do what in gaming (PRODUCT.md §4). Every admin role reads sessions, game types, packages and
 * members' play, starts and ends gaming sessions and sells packages (tier access is checked by the service).
 * Managing game types and packages has no mutation here yet; when one is added it gets
 * `or(atLeast('GeneralAdmin'), inOwnDepartment(...))` (Supervisor never). Dashboards are for Manager and
 * above. Anonymous callers get nothing; each service only the feeds and steps it calls (named below).
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
    // compliance feed: aggregates for compliance's reports and dashboard, compliance's service only
    complianceCashCounts: compliance,
    compliancePlayVolumes: compliance,
    responsibleGamingSummary: compliance,
    // marketing's analytics job: members' play profiles, marketing's service only
    memberPlayProfiles: marketing,
    // loyalty re-checks a credit against the session before it posts points
    gamingSessionForCredit: loyalty,
    // loyalty's host portfolios: theo of the host's members over a window
    membersTheo: loyalty,
  },
  Mutation: {
    retryGamingDeadLetter: atLeast('SuperAdmin'),
    startGamingSession: isAuthenticated,
    endGamingSession: isAuthenticated,
    purchaseGamingPackage: isAuthenticated,
    // retention enforcement: compliance's service runs the gaming_logs policy
    applyGamingRetention: compliance,
    // right to erasure: compliance's eraseMember runs gaming's step here
    eraseGamingMemberData: compliance,
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
  GamingMemberErasure: compliance,
  GamingPerformance: atLeast('Manager'),
  GameTypePerformance: atLeast('Manager'),
  DailyGamingPerformance: atLeast('Manager'),
  PlayerTheo: atLeast('Manager'),
  MemberCashDay: complianceReader,
  CashTransaction: complianceReader,
  ComplianceCashCounts: compliance,
  MemberPlayVolume: compliance,
  LongGamingSession: compliance,
  MemberLossDay: compliance,
  WatchedMemberPlay: compliance,
  ResponsibleGamingSummary: compliance,
  MemberPlayProfile: marketing,
  MemberPlayProfilePage: marketing,
  GamingRetentionResult: compliance,
  GamingSessionCreditCheck: loyalty,
  MemberTheo: loyalty,
};
