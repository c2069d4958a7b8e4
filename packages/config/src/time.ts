/** One day in milliseconds: day counts in settings and ranges become instants with it (UTC days, no DST). */
export const DAY_MS = 86_400_000;
