import { randomBytes } from 'node:crypto';
import {
  DecryptionError,
  KeyringError,
  blindIndex,
  decryptField,
  encryptField,
  generateKeySpec,
  keyIdOf,
  needsRotation,
  parseKeyring,
} from './index';

const context = { collection: 'members', field: 'nic_passport', documentId: 'm-1' };

describe('field encryption', () => {
  const k1 = generateKeySpec('k1');
  const k2 = generateKeySpec('k2');

  it('round-trips, with a fresh IV each time and no plaintext in the stored form', () => {
    const keyring = parseKeyring(k1, 'k1');
    const a = encryptField('N8812345', keyring, context);
    const b = encryptField('N8812345', keyring, context);
    expect(a).not.toBe(b);
    expect(a).not.toContain('N8812345');
    expect(keyIdOf(a)).toBe('k1');
    expect(decryptField(a, keyring, context)).toBe('N8812345');
  });

  it('refuses a tampered value, another document or field, and an unknown key', () => {
    const keyring = parseKeyring(k1, 'k1');
    const stored = encryptField('N8812345', keyring, context);
    const parts = stored.split('.');
    const flipped = Buffer.from(parts[5]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[5] = flipped.toString('base64url');
    expect(() => decryptField(parts.join('.'), keyring, context)).toThrow(DecryptionError);
    expect(() => decryptField(stored, keyring, { ...context, documentId: 'm-2' })).toThrow(DecryptionError);
    expect(() => decryptField(stored, keyring, { ...context, field: 'salary' })).toThrow(DecryptionError);
    expect(() => decryptField(stored, parseKeyring(k2, 'k2'), context)).toThrow(/no key "k1"/);
    expect(() => decryptField('plain text', keyring, context)).toThrow(DecryptionError);
  });

  it('reads values under an older key while writing under the current one', () => {
    const old = encryptField('P1234567', parseKeyring(k1, 'k1'), context);
    const rotated = parseKeyring(`${k2},${k1}`, 'k2');
    expect(needsRotation(old, rotated)).toBe(true);
    expect(decryptField(old, rotated, context)).toBe('P1234567');
    const fresh = encryptField('P1234567', rotated, context);
    expect(keyIdOf(fresh)).toBe('k2');
    expect(needsRotation(fresh, rotated)).toBe(false);
  });
});

describe('keyring configuration', () => {
  it.each([
    ['', 'k1', /no encryption keys/],
    ['k1:c2hvcnQ=', 'k1', /32 bytes/],
    [`k1:${randomBytes(32).toString('base64')}`, 'k9', /current key id "k9"/],
    [`bad id:${randomBytes(32).toString('base64')}`, 'bad id', /key id/],
    [`k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, 'k1', /twice/],
  ])('rejects %j (current %s)', (spec, current, message) => {
    expect(() => parseKeyring(spec, current)).toThrow(KeyringError);
    expect(() => parseKeyring(spec, current)).toThrow(message);
  });

  it('never puts key material in its messages', () => {
    const key = randomBytes(20).toString('base64');
    try {
      parseKeyring(`k1:${key}`, 'k1');
    } catch (error) {
      expect((error as Error).message).not.toContain(key);
    }
  });
});

describe('blind index', () => {
  it('matches the same document number however it is typed, and differs per key', () => {
    const key = randomBytes(32);
    expect(blindIndex('n 881-2345', key)).toBe(blindIndex('N8812345', key));
    expect(blindIndex('N8812345', key)).not.toBe(blindIndex('N8812346', key));
    expect(blindIndex('N8812345', randomBytes(32))).not.toBe(blindIndex('N8812345', key));
    expect(blindIndex('N8812345', key)).not.toContain('8812345');
  });
});
