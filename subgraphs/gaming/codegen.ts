import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#GamingContext',
  mappers: {
    Member: '../members/member-reference#MemberReference',
    GamingSession: '../sessions/session-store#GamingSessionDocument',
    GameType: '../game-types/game-type-store#GameTypeDocument',
    GamingPackage: '../packages/package-store#GamingPackageDocument',
    GamingPackagePurchase: '../packages/purchase-store#PackagePurchaseDocument',
    GamingSessionConnection: '@casino/mongo#Connection',
    MemberCashDay: '../aml/aml-cash-summary#MemberCashDayResult',
    GamingDashboard: '../dashboard/dashboard-service#GamingDashboardResult',
    GamingPerformance: '../dashboard/dashboard-service#Performance',
    PlayerTheo: '../dashboard/dashboard-service#PlayerTheoResult',
    GameTypeConnection: '@casino/mongo#Connection',
    GamingPackageConnection: '@casino/mongo#Connection',
    GamingSessionCreditCheck: '../credits/session-credit-terms#SessionCreditTerms',
  },
});
