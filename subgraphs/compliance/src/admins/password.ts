import { hash } from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

// Algorithm is an ambient const enum, which isolatedModules cannot inline: 2 is Algorithm.Argon2id
const ARGON2ID = 2 as Algorithm;

/** argon2id at the OWASP-recommended minimum cost (19 MiB, 2 passes, 1 lane). */
export const PASSWORD_HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Hashes a password into a self-describing PHC string with a random salt. */
export function hashPassword(plaintext: string): Promise<string> {
  return hash(plaintext, PASSWORD_HASH_OPTIONS);
}
