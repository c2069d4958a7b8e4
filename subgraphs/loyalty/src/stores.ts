import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import { CompStore } from './comps/comp-store';
import { VipExperienceStore } from './vip/vip-experience-store';
import { JobRunStore } from './jobs/job-run-store';
import { MemberStore } from './members/member-store';
import { LedgerStore } from './points/ledger-store';
import { RedemptionStore } from './redemptions/redemption-store';
import { RewardStore } from './rewards/reward-store';
import { SelfExclusionStore } from './exclusions/self-exclusion-store';

/** Loyalty's stores: the only code that touches the driver, one per owned collection. */
export interface LoyaltyStores {
  members: MemberStore;
  rewards: RewardStore;
  redemptions: RedemptionStore;
  ledger: LedgerStore;
  jobRuns: JobRunStore;
  selfExclusions: SelfExclusionStore;
  comps: CompStore;
  vipExperiences: VipExperienceStore;
}

/** `protector` is needed only for look-ups by identity document (members' blind index). */
export function createStores(db: Db, protector?: FieldProtector): LoyaltyStores {
  return {
    members: new MemberStore(db, protector),
    rewards: new RewardStore(db),
    redemptions: new RedemptionStore(db),
    ledger: new LedgerStore(db),
    jobRuns: new JobRunStore(db),
    selfExclusions: new SelfExclusionStore(db),
    comps: new CompStore(db),
    vipExperiences: new VipExperienceStore(db),
  };
}
