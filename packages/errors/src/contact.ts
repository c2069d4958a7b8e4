import { z } from 'zod';

const PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;
const emptyToNull = (value: string | null | undefined): string | null => (value ? value : null);

/** A required e-mail address, stored lower-cased. */
export const emailAddress = z.email('is not a valid email address').transform((e) => e.toLowerCase());

/** A required phone number: digits, spaces, brackets and dashes, an optional leading `+`, 6 to 20 long. */
export const phoneNumber = z.string().trim().regex(PHONE, 'is not a valid phone number');

/** An e-mail address that may be left out: empty, null or missing all become null. */
export const optionalEmailAddress = z
  .union([z.literal(''), emailAddress])
  .nullish()
  .transform(emptyToNull);

/** A phone number that may be left out: empty, null or missing all become null. */
export const optionalPhoneNumber = z
  .string()
  .trim()
  .regex(new RegExp(`^(${PHONE.source.slice(1, -1)})?$`), 'is not a valid phone number')
  .nullish()
  .transform(emptyToNull);
