import { base32Decode, base32Encode, generateTotpSecret, hotp, otpauthUri, totp, verifyTotp } from './totp';

const ascii = (text: string) => Buffer.from(text, 'ascii');
const at = (seconds: number) => new Date(seconds * 1000);

describe('base32 (RFC 4648 section 10 vectors, unpadded)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];

  it.each(vectors)('encodes %j as %s and back', (plain, encoded) => {
    expect(base32Encode(ascii(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString('ascii')).toBe(plain);
  });

  it('decodes lower case, spaces and padding, and refuses other characters', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString('ascii')).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(RangeError);
  });

  it('generates 160-bit secrets that round-trip', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe('HOTP (RFC 4226 appendix D)', () => {
  const secret = ascii('12345678901234567890');
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];

  it.each(expected.map((code, counter) => [counter, code]))('counter %i gives %s', (counter, code) => {
    expect(hotp(secret, counter as number, { digits: 6, algorithm: 'sha1' })).toBe(code);
  });
});

describe('TOTP (RFC 6238 appendix B, 8 digits, 30 s steps)', () => {
  const seeds = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];

  it.each(vectors)('at T=%i: SHA1 %s, SHA256 %s, SHA512 %s', (time, sha1, sha256, sha512) => {
    const options = { stepSeconds: 30, digits: 8 } as const;
    expect(totp(seeds.sha1, at(time), { ...options, algorithm: 'sha1' })).toBe(sha1);
    expect(totp(seeds.sha256, at(time), { ...options, algorithm: 'sha256' })).toBe(sha256);
    expect(totp(seeds.sha512, at(time), { ...options, algorithm: 'sha512' })).toBe(sha512);
  });

  it('defaults to 6 digits of HMAC-SHA1: the last 6 digits of the 8-digit vector', () => {
    expect(totp(seeds.sha1, at(59))).toBe('287082');
    expect(totp(seeds.sha1, at(1111111109))).toBe('081804');
  });
});

describe('verifyTotp', () => {
  const secret = ascii('12345678901234567890');
  const now = at(1111111111); // step 37037037
  const step = Math.floor(1111111111 / 30);

  it('accepts the current code and returns its step', () => {
    expect(verifyTotp(secret, totp(secret, now), now, 1)).toBe(step);
  });

  it('accepts one step of clock drift either side, and not two', () => {
    expect(verifyTotp(secret, totp(secret, at(1111111111 - 30)), now, 1)).toBe(step - 1);
    expect(verifyTotp(secret, totp(secret, at(1111111111 + 30)), now, 1)).toBe(step + 1);
    expect(verifyTotp(secret, totp(secret, at(1111111111 - 60)), now, 1)).toBeNull();
    expect(verifyTotp(secret, totp(secret, at(1111111111 + 60)), now, 1)).toBeNull();
    expect(verifyTotp(secret, totp(secret, at(1111111111 - 30)), now, 0)).toBeNull();
  });

  it('refuses wrong, malformed and wrong-length codes; tolerates spaces', () => {
    const code = totp(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(secret, wrong, now, 1)).toBeNull();
    expect(verifyTotp(secret, '', now, 1)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', now, 1)).toBeNull();
    expect(verifyTotp(secret, `${code}0`, now, 1)).toBeNull();
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, 1)).toBe(step);
  });

  it('refuses a code made with another secret', () => {
    const other = ascii('09876543210987654321');
    expect(verifyTotp(secret, totp(other, now), now, 1)).toBeNull();
  });
});

describe('otpauthUri', () => {
  it('labels the account with the issuer and carries the parameters apps read', () => {
    const uri = new URL(
      otpauthUri({
        secret: 'JBSWY3DPEHPK3PXP',
        issuer: 'Casino Admin',
        account: 'jane.doe',
        stepSeconds: 30,
        digits: 6,
        algorithm: 'sha1',
      }),
    );
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Casino Admin:jane.doe');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'Casino Admin',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
