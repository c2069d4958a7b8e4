import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 parameters; the defaults are what every authenticator app assumes. */
export interface TotpOptions {
  stepSeconds: number;
  digits: number;
  algorithm: 'sha1' | 'sha256' | 'sha512';
}

export const DEFAULT_TOTP_OPTIONS: TotpOptions = { stepSeconds: 30, digits: 6, algorithm: 'sha1' };

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, the form authenticator apps read from otpauth URIs. */
export function base32Encode(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Accepts lower case, spaces and padding, as people type and apps show secrets. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index === -1) throw new RangeError('not a base32 string');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new shared secret: 160 bits, the HMAC-SHA1 block RFC 4226 recommends. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** RFC 4226 HOTP: HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` decimal digits. */
export function hotp(
  secret: Buffer,
  counter: number,
  options: Pick<TotpOptions, 'digits' | 'algorithm'>,
): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac(options.algorithm, secret).update(message).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const binary = (digest.readUInt32BE(offset) & 0x7fffffff) % 10 ** options.digits;
  return String(binary).padStart(options.digits, '0');
}

/** The time step a moment falls in. */
export const totpStep = (now: Date, stepSeconds: number): number =>
  Math.floor(now.getTime() / 1000 / stepSeconds);

/** The code for the step containing `now`. */
export function totp(secret: Buffer, now: Date, options: TotpOptions = DEFAULT_TOTP_OPTIONS): string {
  return hotp(secret, totpStep(now, options.stepSeconds), options);
}

/**
 * Checks a code against the current step and `window` steps either side (clock drift), comparing in
 * constant time. Returns the matching step, so the caller can refuse a code that was already used, or null.
 */
export function verifyTotp(
  secret: Buffer,
  code: string,
  now: Date,
  window: number,
  options: TotpOptions = DEFAULT_TOTP_OPTIONS,
): number | null {
  const given = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${options.digits}}$`).test(given)) return null;
  const current = totpStep(now, options.stepSeconds);
  let matched: number | null = null;
  // every candidate is computed and compared, so the time taken does not tell which step matched
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const expected = hotp(secret, step, options);
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(given)) && matched === null) matched = step;
  }
  return matched;
}

/** The URI authenticator apps scan (Key Uri Format), labelled `issuer:account`. */
export function otpauthUri(
  options: { secret: string; issuer: string; account: string } & TotpOptions,
): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const query = new URLSearchParams({
    secret: options.secret,
    issuer: options.issuer,
    algorithm: options.algorithm.toUpperCase(),
    digits: String(options.digits),
    period: String(options.stepSeconds),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
