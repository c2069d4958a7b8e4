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
  Query: {
    gamingSession: isAuthenticated,
    gamingSessions: isAuthenticated,
    gameType: isAuthenticated,
    gameTypes: isAuthenticated,
    gamingPackage: isAuthenticated,
    gamingPackages: isAuthenticated,
    gamingDashboard: atLeast('Manager'),
    amlCashSummary: complianceReader,
  },
  Mutation: {
    startGamingSession: isAuthenticated,
    endGamingSession: isAuthenticated,
    purchaseGamingPackage: isAuthenticated,
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
  GamingPerformance: atLeast('Manager'),
  GameTypePerformance: atLeast('Manager'),
  DailyGamingPerformance: atLeast('Manager'),
  PlayerTheo: atLeast('Manager'),
  MemberCashDay: complianceReader,
  CashTransaction: complianceReader,
};
