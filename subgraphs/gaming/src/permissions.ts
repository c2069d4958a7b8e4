import { isAuthenticated } from '@casino/auth';
import type { RuleTree } from '@casino/auth';

/**
 * Who may do what in gaming (PRODUCT.md §4). Every admin role reads sessions, game types, packages and
 * members' play, and starts gaming sessions. Managing game types and packages has no mutation here yet; when
 * one is added it gets `or(atLeast('GeneralAdmin'), inOwnDepartment(...))` (Supervisor never). Anonymous
 * callers and service identities get nothing here (no field is marked `isService`).
 */
export const rules: RuleTree = {
  Query: {
    gamingSession: isAuthenticated,
    gamingSessions: isAuthenticated,
    gameType: isAuthenticated,
    gameTypes: isAuthenticated,
    gamingPackage: isAuthenticated,
    gamingPackages: isAuthenticated,
  },
  Mutation: {
    startGamingSession: isAuthenticated,
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
  PageInfo: isAuthenticated,
};
