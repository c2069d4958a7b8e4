import type { IndexPlan } from '@casino/mongo';
import { COMPS, compIndexes } from './comps/comp-store';
import { jobRunIndexes, LOYALTY_JOB_RUNS } from './jobs/job-run-store';
import { ledgerIndexes, POINTS_LEDGER } from './points/ledger-store';
import { MEMBERS, memberIndexes } from './members/member-store';
import { REWARD_REDEMPTIONS, redemptionIndexes } from './redemptions/redemption-store';
import { REWARDS, rewardIndexes } from './rewards/reward-store';
import { VIP_EXPERIENCES, vipExperienceIndexes } from './vip/vip-experience-store';
import { SELF_EXCLUSIONS, selfExclusionIndexes } from './exclusions/self-exclusion-store';

export const LOYALTY_INDEXES: IndexPlan = {
  [MEMBERS]: memberIndexes,
  [REWARDS]: rewardIndexes,
  [REWARD_REDEMPTIONS]: redemptionIndexes,
  [POINTS_LEDGER]: ledgerIndexes,
  [LOYALTY_JOB_RUNS]: jobRunIndexes,
  [SELF_EXCLUSIONS]: selfExclusionIndexes,
  [COMPS]: compIndexes,
  [VIP_EXPERIENCES]: vipExperienceIndexes,
};
