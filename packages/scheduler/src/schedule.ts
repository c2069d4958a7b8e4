import { DAY_MS } from '@casino/config';

/**
 * When a job is due: every `everyMs`, on slots counted from `at` (a UTC time of day, `HH:MM`) or from midnight
 * UTC. Slots are wall-clock instants, the same for every replica and every restart: a daily job with
 * `at: '03:00'` is due at 03:00 UTC each day, whenever the process started.
 */
export interface Schedule {
  everyMs: number;
  /** UTC time of day the slots are counted from, `HH:MM` (default 00:00) */
  at?: string;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Milliseconds after midnight UTC of an `HH:MM` time of day; throws on anything else. */
export function timeOfDayMs(at: string): number {
  const match = TIME_OF_DAY.exec(at);
  if (!match) throw new RangeError(`'${at}' is not a UTC time of day (HH:MM)`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
}

/** The first slot of `schedule` strictly after `after`. */
export function nextSlot(schedule: Schedule, after: Date): Date {
  if (!(schedule.everyMs > 0)) throw new RangeError('a schedule needs a positive interval');
  const offset = schedule.at ? timeOfDayMs(schedule.at) % schedule.everyMs : 0;
  const slots = Math.floor((after.getTime() - offset) / schedule.everyMs) + 1;
  return new Date(offset + slots * schedule.everyMs);
}

/** How a schedule is stored beside its job, so a changed schedule is noticed at start. */
export function describeSchedule(schedule: Schedule): string {
  const every = schedule.everyMs % DAY_MS === 0 ? `${schedule.everyMs / DAY_MS}d` : `${schedule.everyMs}ms`;
  return schedule.at ? `every ${every} from ${schedule.at} UTC` : `every ${every}`;
}
