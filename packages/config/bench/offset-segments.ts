/**
 * What the day aggregations pay for the property's time zone: LocalTime.offsetSegments over ranges of 30 days
 * to 10 years ending now, the first call in the process (the zone's changes found through Intl) and the calls
 * after it (kept per zone and year). `pnpm exec tsx packages/config/bench/offset-segments.ts`
 */
import { LocalTime } from '../src/local-time';

const CALLS = 200;
const DAY = 86_400_000;

for (const zone of ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'UTC']) {
  const local = new LocalTime(zone);
  const now = new Date();
  const rows: string[] = [];
  for (const days of [30, 90, 366, 3_650]) {
    const from = new Date(now.getTime() - days * DAY);
    let started = process.hrtime.bigint();
    const segments = local.offsetSegments(from, now).length;
    const first = Number(process.hrtime.bigint() - started) / 1_000;
    started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) local.offsetSegments(from, now);
    const after = Number(process.hrtime.bigint() - started) / 1_000 / CALLS;
    rows.push(
      `${days} days: ${segments} segment(s), first ${first.toFixed(0)} µs, then ${after.toFixed(1)} µs`,
    );
  }
  process.stdout.write(`${zone}\n  ${rows.join('\n  ')}\n`);
}
