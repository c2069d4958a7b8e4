import type {
  MutationApproveVipExperienceArgs,
  MutationCancelVipExperienceArgs,
  MutationCompleteVipExperienceArgs,
  MutationRequestVipExperienceArgs,
  MutationResolvers,
  MutationScheduleVipExperienceArgs,
  QueryResolvers,
  VipExperienceChangeResolvers,
  VipExperienceResolvers,
} from '../__generated__/resolvers-types';
import { money, moneyText } from '../comps/money';
import type { VipExperienceChange as Change } from '../vip/vip-experience-service';
import { balanceMutations } from './balance-mutations';

/** A VIP experience mutation's change in the audit trail: the comp balance before and after, and the experience. */
const recorded = balanceMutations(
  (ctx) => ctx.services.vipExperiences,
  (change: Change) => ({
    vipExperience: {
      id: change.experience.id,
      kind: change.experience.kind,
      status: change.experience.status,
      cost: moneyText(change.experience.cost_cents),
      startsAt: change.experience.starts_at.toISOString(),
    },
  }),
);

export const vipExperienceQueries: Pick<QueryResolvers, 'vipExperience' | 'vipExperiences'> = {
  vipExperience: (_, { id }, ctx) => ctx.loaders.vipExperience.load(id),
  vipExperiences: (_, { filter, first, after }, ctx) =>
    ctx.services.vipExperiences.page(filter ?? {}, { first, after }, ctx.paging),
};

type VipMutation =
  | 'requestVipExperience'
  | 'approveVipExperience'
  | 'scheduleVipExperience'
  | 'completeVipExperience'
  | 'cancelVipExperience';

export const vipExperienceMutations: Pick<MutationResolvers, VipMutation> = {
  requestVipExperience: recorded<MutationRequestVipExperienceArgs>((vip, { input }, who) =>
    vip.request(input, who),
  ),
  approveVipExperience: recorded<MutationApproveVipExperienceArgs>((vip, { input }, who) =>
    vip.approve(input, who),
  ),
  scheduleVipExperience: recorded<MutationScheduleVipExperienceArgs>((vip, { input }, who) =>
    vip.schedule(input, who),
  ),
  completeVipExperience: recorded<MutationCompleteVipExperienceArgs>((vip, { input }, who) =>
    vip.complete(input, who),
  ),
  cancelVipExperience: recorded<MutationCancelVipExperienceArgs>((vip, { input }, who) =>
    vip.cancel(input, who),
  ),
};

export const VipExperience: VipExperienceResolvers = {
  member: async (experience, _, ctx) => (await ctx.loaders.member.load(experience.member_id))!,
  cost: (experience) => money(experience.cost_cents),
};

export const VipExperienceChange: VipExperienceChangeResolvers = {
  member: async (change, _, ctx) => (await ctx.loaders.member.load(change.memberId))!,
  compBalance: (change) => money(change.balanceAfterCents),
};
