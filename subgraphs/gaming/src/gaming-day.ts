const HOUR_MS = 3_600_000;

/**
 * The gaming day of an instant as 'YYYY-MM-DD', as a MongoDB expression. A gaming day starts at
 * `dayStartHour` local time (local = UTC + `utcOffsetMinutes`), so play at 02:00 belongs to the day before.
 */
export function gamingDayExpression(field: string, dayStartHour: number, utcOffsetMinutes: number) {
  const shiftMs = utcOffsetMinutes * 60_000 - dayStartHour * HOUR_MS;
  return { $dateToString: { format: '%Y-%m-%d', date: { $add: [field, shiftMs] } } };
}

/** The same gaming day computed in Node (for tests and for labelling). */
export function gamingDayOf(at: Date, dayStartHour: number, utcOffsetMinutes: number): string {
  const shifted = new Date(at.getTime() + utcOffsetMinutes * 60_000 - dayStartHour * HOUR_MS);
  return shifted.toISOString().slice(0, 10);
}
