import { hasRoleOrPermission, inDepartmentScope, isAuthenticated, rule } from '@casino/auth';
import type { AuthContext, RuleTree } from '@casino/auth';

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

/**
 * Every admin role reads everything marketing owns; `WalkInGuest.idDocument` is readable by all of them too,
 * its resolver decides between the full (audited) value and the mask. Anonymous callers and services get
 * nothing here.
 */
export const rules: RuleTree = {
  Query: {
    marketingCampaign: isAuthenticated,
    marketingCampaigns: isAuthenticated,
    customerAnalytics: isAuthenticated,
    walkInGuest: isAuthenticated,
    walkInGuests: isAuthenticated,
    notification: isAuthenticated,
    notifications: isAuthenticated,
    notificationTemplate: isAuthenticated,
    notificationTemplates: isAuthenticated,
  },
  Mutation: {
    registerWalkInGuest: isAuthenticated,
    createMarketingCampaign: managesDepartmentOfInput,
    createNotificationTemplate: managesDepartmentOfInput,
  },
  PageInfo: isAuthenticated,
  AdminUser: isAuthenticated,
  Member: isAuthenticated,
  MarketingCampaign: isAuthenticated,
  MarketingCampaignEdge: isAuthenticated,
  MarketingCampaignConnection: isAuthenticated,
  CustomerAnalytics: isAuthenticated,
  WalkInGuest: { '*': isAuthenticated, idDocument: isAuthenticated },
  WalkInGuestEdge: isAuthenticated,
  WalkInGuestConnection: isAuthenticated,
  Notification: isAuthenticated,
  NotificationEdge: isAuthenticated,
  NotificationConnection: isAuthenticated,
  NotificationTemplate: isAuthenticated,
  NotificationTemplateEdge: isAuthenticated,
  NotificationTemplateConnection: isAuthenticated,
};
