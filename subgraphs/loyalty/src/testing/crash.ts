import type { PostingHooks } from '../points/points-ledger';

/** What a posting hook throws to stand in for the process dying at that step. */
export class Crash extends Error {}

/** A step of a posting where a hook can run: after recording, after reserving stock, after moving the balance. */
export type PostingStep = keyof PostingHooks;

/** Hooks that make the first posting die at `step`, like a process killed there; later postings go through. */
export function crashOnce(step: PostingStep): PostingHooks {
  let armed = true;
  return {
    [step]: () => {
      if (!armed) return;
      armed = false;
      throw new Crash(`crashed ${step}`);
    },
  };
}
