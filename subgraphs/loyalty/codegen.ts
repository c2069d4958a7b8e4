import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#LoyaltyContext',
  mappers: {
    Member: '../members/member-store#MemberDocument',
    Reward: '../rewards/reward-store#RewardDocument',
    RewardRedemption: '../redemptions/redemption-store#RewardRedemptionDocument',
    PointsLedgerEntry: '../points/ledger-store#PointsLedgerDocument',
    SelfExclusion: '../exclusions/self-exclusion-store#SelfExclusionDocument',
    MemberConnection: '@casino/mongo#Connection',
    RewardConnection: '@casino/mongo#Connection',
    RewardRedemptionConnection: '@casino/mongo#Connection',
    PointsLedgerConnection: '@casino/mongo#Connection',
    TopReward: '../dashboard/dashboard-service#TopRewardRow',
    LoyaltyDashboard: '../dashboard/dashboard-service#LoyaltyDashboard as LoyaltyDashboardFigures',
    TierReinvestment: '../dashboard/dashboard-service#TierReinvestmentRow',
    LedgerCheck: '../points/points-service#LedgerCheck as LedgerCheckFigures',
    Comp: '../comps/comp-store#CompDocument',
    CompConnection: '@casino/mongo#Connection',
    CompChange: '../comps/comp-service#CompChange as CompChangeResult',
    VipExperience: '../vip/vip-experience-store#VipExperienceDocument',
    HostedMember: '../hosts/host-service#HostedMemberRow',
    StaffMember: '../hosts/host-service#StaffMemberReference',
    VipExperienceConnection: '@casino/mongo#Connection',
    VipExperienceChange: '../vip/vip-experience-service#VipExperienceChange as VipExperienceChangeResult',
  },
});
