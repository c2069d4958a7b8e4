import { blindIndex, decryptField, encryptField, isEncrypted, keyIdOf } from './field';
import type { FieldContext } from './field';
import { KeyringError, parseKeyring } from './keyring';
import type { Keyring } from './keyring';

/**
 * Development-only keys. `pnpm start` and docker-compose use them so the stack runs out of the box; a
 * service refuses them when NODE_ENV=production. They protect nothing: anyone can read them here.
 */
export const DEV_PROTECTION_ENV = {
  DATA_ENCRYPTION_KEYS: 'dev1:ZGV2LW9ubHktZGF0YS1rZXktbm90LWEtc2VjcmV0ISE=',
  DATA_ENCRYPTION_KEY_ID: 'dev1',
  BLIND_INDEX_KEY: 'ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LW5vdC1zZWM=',
} as const;

/** The variables a service holding personal data needs. */
export interface ProtectionEnv {
  NODE_ENV?: string;
  DATA_ENCRYPTION_KEYS?: string;
  DATA_ENCRYPTION_KEY_ID?: string;
  BLIND_INDEX_KEY?: string;
}

/** One problem per variable, naming the variable and never the key material. */
export class ProtectionConfigError extends Error {
  override name = 'ProtectionConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid data protection configuration: ${problems.join('; ')}`);
  }
}

/**
 * Encrypts, decrypts and indexes protected fields with the service's keyring. It is the only object that
 * holds key material; stores seal values before writing and the read path (packages/audit `pii`) opens them.
 */
export class FieldProtector {
  constructor(
    readonly keyring: Keyring,
    private readonly blindIndexKey: Buffer,
  ) {}

  /** Id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.keyring.current;
  }

  seal(plaintext: string, context: FieldContext): string {
    return encryptField(plaintext, this.keyring, context);
  }

  open(stored: string, context: FieldContext): string {
    return decryptField(stored, this.keyring, context);
  }

  /** Whether a stored value was sealed with an older key (false for anything that is not a sealed value). */
  needsRotation(stored: unknown): boolean {
    return isEncrypted(stored) && keyIdOf(stored) !== this.keyring.current;
  }

  /**
   * Seals a value again with the current key: one sealed with an older key is opened first; a plaintext
   * value (written before encryption was switched on) is sealed as it is.
   */
  reseal(stored: string, context: FieldContext): string {
    return this.seal(isEncrypted(stored) ? this.open(stored, context) : stored, context);
  }

  /** Keyed hash of an identity-document number for exact look-ups (see `blindIndex`). */
  lookupKey(documentNumber: string): string {
    return blindIndex(documentNumber, this.blindIndexKey);
  }
}

/** The pieces of a keyring spec without key material: which ids exist (for messages and status). */
export const keyIds = (keyring: Keyring): string[] => [...keyring.keys.keys()];

/**
 * Builds the protector from the environment. Every problem (missing, malformed, too short, development keys in
 * production) is listed together so the service stops at start with one clear message.
 */
export function protectorFromEnv(env: ProtectionEnv): FieldProtector {
  const problems: string[] = [];
  let keyring: Keyring | undefined;
  let blindKey: Buffer | undefined;
  if (!env.DATA_ENCRYPTION_KEYS) {
    problems.push('DATA_ENCRYPTION_KEYS: required (comma-separated id:base64-32-byte-key entries)');
  }
  if (!env.DATA_ENCRYPTION_KEY_ID) problems.push('DATA_ENCRYPTION_KEY_ID: required (the id new values use)');
  if (env.DATA_ENCRYPTION_KEYS && env.DATA_ENCRYPTION_KEY_ID) {
    try {
      keyring = parseKeyring(env.DATA_ENCRYPTION_KEYS, env.DATA_ENCRYPTION_KEY_ID);
    } catch (error) {
      if (!(error instanceof KeyringError)) throw error;
      problems.push(`DATA_ENCRYPTION_KEYS: ${error.message}`);
    }
  }
  if (!env.BLIND_INDEX_KEY) {
    problems.push('BLIND_INDEX_KEY: required (base64 of 32 random bytes)');
  } else {
    blindKey = Buffer.from(env.BLIND_INDEX_KEY, 'base64');
    if (blindKey.length !== 32) {
      problems.push(`BLIND_INDEX_KEY: must be 32 bytes of base64 (got ${blindKey.length} bytes)`);
    }
  }
  if (env.NODE_ENV === 'production') {
    if (env.DATA_ENCRYPTION_KEYS?.includes(DEV_PROTECTION_ENV.DATA_ENCRYPTION_KEYS.split(':')[1]!)) {
      problems.push('DATA_ENCRYPTION_KEYS: holds the development key; set keys of your own in production');
    }
    if (env.BLIND_INDEX_KEY === DEV_PROTECTION_ENV.BLIND_INDEX_KEY) {
      problems.push('BLIND_INDEX_KEY: is the development key; set a key of your own in production');
    }
  }
  if (problems.length > 0 || !keyring || !blindKey) throw new ProtectionConfigError(problems);
  return new FieldProtector(keyring, blindKey);
}
