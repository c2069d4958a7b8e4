import {
  atLeast,
  hasRoleOrPermission,
  inDepartmentScope,
  fromService,
  isAuthenticated,
  requiring,
  rule,
} from '@casino/auth';
import type { AuthContext, RuleTree } from '@casino/auth';
import type { MarketingContext } from './context';

interface DepartmentInputArgs {
  input?: { department?: string | null } | null;
}

/**
 * Managing campaigns and templates: GeneralAdmin and above for any department (or none); a Manager only for
 * their own, which is also what a Manager's creation gets when the input names no department; Supervisors
 * never. A Manager without a department has no department to manage.
 */
export const managesDepartmentOfInput = rule('marketing:managesDepartmentOfInput', { cache: 'strict' })((
  _parent,
  args: DepartmentInputArgs,
  ctx: AuthContext,
) => {
  const { identity } = ctx;
  if (identity.kind !== 'admin' || !hasRoleOrPermission(identity, 'Manager')) return false;
  return inDepartmentScope(identity, args.input?.department ?? identity.department);
});

interface IdInputArgs {
  id?: string | null;
  input?: { id?: string | null } | null;
}

/**
 * Changing a campaign (or previewing its audience, by `id` or `input.id`): as for creating one, by the department of the campaign itself. An unknown campaign
 * passes for Manager and above so that the resolver can answer NOT_FOUND.
 */
export const managesCampaignOfInput = rule('marketing:managesCampaignOfInput', { cache: 'strict' })(async (
  _parent,
  args: IdInputArgs,
  ctx: AuthContext & Partial<Pick<MarketingContext, 'loaders'>>,
) => {
  const { identity } = ctx;
  if (identity.kind !== 'admin' || !hasRoleOrPermission(identity, 'Manager')) return false;
  const id = args.input?.id ?? args.id;
  if (!id || !ctx.loaders) return false;
  const campaign = await ctx.loaders.campaign.load(id);
  if (!campaign) return true;
  return inDepartmentScope(identity, campaign.department ?? null);
});

interface TemplateInputArgs {
  input?: { templateId?: string | null } | null;
}

/**
 * Sending a notification: as for managing the template it is rendered from, by the template's department.
 * An unknown template passes for Manager and above so that the resolver can answer NOT_FOUND.
 */
export const managesTemplateOfInput = rule('marketing:managesTemplateOfInput', { cache: 'strict' })(async (
  _parent,
  args: TemplateInputArgs,
  ctx: AuthContext & Partial<Pick<MarketingContext, 'loaders'>>,
) => {
  const { identity } = ctx;
  if (identity.kind !== 'admin' || !hasRoleOrPermission(identity, 'Manager')) return false;
  const id = args.input?.templateId;
  if (!id || !ctx.loaders) return false;
  const template = await ctx.loaders.template.load(id);
  if (!template) return true;
  return inDepartmentScope(identity, template.department ?? null);
});

/** Marking a notification read: its admin recipient, or any Manager and above. */
export const readsNotificationOfArgs = rule('marketing:readsNotificationOfArgs', { cache: 'strict' })(async (
  _parent,
  args: { id?: string },
  ctx: AuthContext & Partial<Pick<MarketingContext, 'loaders'>>,
) => {
  const { identity } = ctx;
  if (identity.kind !== 'admin') return false;
  if (hasRoleOrPermission(identity, 'Manager')) return true;
  if (!args.id || !ctx.loaders) return false;
  const notification = await ctx.loaders.notification.load(args.id);
  return notification?.recipient_type === 'admin' && notification.recipient_id === identity.userId;
});

// what refusals and the schema's descriptions state for the rules above
const MANAGER_OF_DEPARTMENT =
  'Manager or above, within their own department (GeneralAdmin or above: any department)';
requiring(MANAGER_OF_DEPARTMENT, managesDepartmentOfInput);
requiring(MANAGER_OF_DEPARTMENT, managesCampaignOfInput);
requiring(MANAGER_OF_DEPARTMENT, managesTemplateOfInput);
requiring("Manager or above, or the notification's admin recipient", readsNotificationOfArgs);

/**
 * Every admin role reads everything marketing owns; `WalkInGuest.idDocument` is readable by all of them too,
 * its resolver decides between the full (audited) value and the mask. Anonymous callers get nothing;
 * compliance's service only its key rotation, erasure and retention steps.
 */
export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    marketingDeadLetters: atLeast('SuperAdmin'),
    marketingCampaign: isAuthenticated,
    marketingCampaigns: isAuthenticated,
    previewCampaignAudience: managesCampaignOfInput,
    marketingDashboard: atLeast('Manager'),
    customerAnalytics: isAuthenticated,
    walkInGuest: isAuthenticated,
    walkInGuests: isAuthenticated,
    notification: isAuthenticated,
    notifications: isAuthenticated,
    notificationTemplate: isAuthenticated,
    notificationTemplates: isAuthenticated,
  },
  Mutation: {
    retryMarketingDeadLetter: atLeast('SuperAdmin'),
    registerWalkInGuest: isAuthenticated,
    createMarketingCampaign: managesDepartmentOfInput,
    createNotificationTemplate: managesDepartmentOfInput,
    updateCampaignStatus: managesCampaignOfInput,
    recordGuestExit: isAuthenticated,
    convertWalkInGuest: isAuthenticated,
    sendNotification: managesTemplateOfInput,
    markNotificationRead: readsNotificationOfArgs,
    recomputeCustomerAnalytics: atLeast('GeneralAdmin'),
    // key rotation: the orchestrating service re-seals protected fields in batches
    resealMarketingProtectedFields: fromService('compliance'),
    // right to erasure: compliance's eraseMember erases the member's marketing data here
    eraseMarketingMemberData: fromService('compliance'),
    // retention enforcement: compliance's service runs the marketing_data policy
    applyMarketingRetention: fromService('compliance'),
  },
  PageInfo: isAuthenticated,
  AdminUser: isAuthenticated,
  Member: isAuthenticated,
  MarketingCampaign: isAuthenticated,
  CampaignAudiencePreview: isAuthenticated,
  MarketingDashboard: atLeast('Manager'),
  CampaignStats: atLeast('Manager'),
  CampaignStatusStats: atLeast('Manager'),
  WalkInStats: atLeast('Manager'),
  NotificationStats: atLeast('Manager'),
  NotificationStatusCount: atLeast('Manager'),
  ChannelDeliveryStats: atLeast('Manager'),
  AudienceSegmentCount: isAuthenticated,
  AudienceExclusions: isAuthenticated,
  MarketingCampaignEdge: isAuthenticated,
  MarketingCampaignConnection: isAuthenticated,
  CustomerAnalytics: isAuthenticated,
  AnalyticsRun: atLeast('GeneralAdmin'),
  WalkInGuest: { '*': isAuthenticated, idDocument: isAuthenticated },
  ProtectedFieldRotation: fromService('compliance'),
  MarketingMemberErasure: fromService('compliance'),
  WalkInGuestEdge: isAuthenticated,
  WalkInGuestConnection: isAuthenticated,
  Notification: isAuthenticated,
  NotificationStatusChange: isAuthenticated,
  NotificationDelivery: isAuthenticated,
  NotificationEdge: isAuthenticated,
  NotificationConnection: isAuthenticated,
  NotificationTemplate: isAuthenticated,
  NotificationTemplateEdge: isAuthenticated,
  NotificationTemplateConnection: isAuthenticated,
  MarketingRetentionResult: fromService('compliance'),
};
