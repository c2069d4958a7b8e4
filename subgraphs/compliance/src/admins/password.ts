import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';
import { z } from 'zod';
import { PASSWORD_RULES } from '../settings';

// Algorithm is an ambient const enum, which isolatedModules cannot inline: 2 is Algorithm.Argon2id
const ARGON2ID = 2 as Algorithm;

/** argon2id at the OWASP-recommended minimum cost (19 MiB, 2 passes, 1 lane). */
export const PASSWORD_HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_RULES.minLength, `must be at least ${PASSWORD_RULES.minLength} characters`)
  .max(PASSWORD_RULES.maxLength, `must be at most ${PASSWORD_RULES.maxLength} characters`);

/** Hashes a password into a self-describing PHC string with a random salt. */
export function hashPassword(plaintext: string): Promise<string> {
  return hash(plaintext, PASSWORD_HASH_OPTIONS);
}

/** Whether the password matches the stored hash; a malformed hash never matches. */
export async function verifyPassword(passwordHash: string, plaintext: string): Promise<boolean> {
  try {
    return await verify(passwordHash, plaintext);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * A hash of a random password, made once per process with the same cost as real ones: sign-in verifies
 * against it when the username is unknown, so the response time does not tell which usernames exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}
