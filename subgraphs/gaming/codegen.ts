import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#GamingContext',
  mappers: {
    Member: '../members/member-reference#MemberReference',
    GamingSession: '../sessions/session-store#GamingSessionDocument',
    GameType: '../game-types/game-type-store#GameTypeDocument',
    GamingPackage: '../packages/package-store#GamingPackageDocument',
    GamingSessionConnection: '@casino/mongo#Connection',
    GameTypeConnection: '@casino/mongo#Connection',
    GamingPackageConnection: '@casino/mongo#Connection',
  },
});
