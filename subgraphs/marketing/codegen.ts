import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#MarketingContext',
  mappers: {
    AdminUser: '../references#AdminUserReference',
    Member: '../references#MemberReference',
    MarketingCampaign: '../campaigns/campaign-store#MarketingCampaignDocument',
    MarketingDashboard: '../dashboard/dashboard-service#MarketingDashboardFigures',
    CampaignAudiencePreview: '../campaigns/audience#CampaignAudiencePreviewResult',
    CustomerAnalytics: '../analytics/analytics-store#CustomerAnalyticsDocument',
    AnalyticsRun: '../analytics/analytics-run-store#AnalyticsRunDocument',
    WalkInGuest: '../guests/guest-store#WalkInGuestDocument',
    Notification: '../notifications/notification-store#NotificationDocument',
    NotificationTemplate: '../templates/template-store#NotificationTemplateDocument',
    MarketingCampaignConnection: '@casino/mongo#Connection',
    WalkInGuestConnection: '@casino/mongo#Connection',
    NotificationConnection: '@casino/mongo#Connection',
    NotificationTemplateConnection: '@casino/mongo#Connection',
  },
});
