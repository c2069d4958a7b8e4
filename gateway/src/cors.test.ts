import { isAllowedOrigin } from './cors';
import { parseGatewayEnv } from './env';

const settings = { origins: ['https://ops.casino.example'], allowLoopback: false, maxAgeSeconds: 600 };

describe('isAllowedOrigin', () => {
  it('allows exactly the listed origins', () => {
    expect(isAllowedOrigin(settings, 'https://ops.casino.example')).toBe(true);
    for (const origin of [
      'http://ops.casino.example',
      'https://ops.casino.example:8443',
      'https://ops.casino.example.evil.example',
      'https://evil.example',
      'null',
    ]) {
      expect(isAllowedOrigin(settings, origin)).toBe(false);
    }
  });

  it("allows a dashboard's dev server on loopback only where loopback is allowed (development)", () => {
    const development = { ...settings, allowLoopback: true };
    for (const origin of [
      'http://localhost:5173',
      'http://127.0.0.1:3000',
      'http://[::1]:8080',
      'http://localhost',
    ]) {
      expect(isAllowedOrigin(development, origin)).toBe(true);
      expect(isAllowedOrigin(settings, origin)).toBe(false);
    }
    for (const origin of [
      'https://localhost.evil.example',
      'http://localhost.evil.example:5173',
      'http://10.0.0.1:5173',
    ]) {
      expect(isAllowedOrigin(development, origin)).toBe(false);
    }
  });
});

describe('CORS_ORIGINS', () => {
  it('is empty by default and reads a comma-separated list', () => {
    expect(parseGatewayEnv({ NODE_ENV: 'test' }).CORS_ORIGINS).toEqual([]);
    expect(
      parseGatewayEnv({
        NODE_ENV: 'test',
        CORS_ORIGINS: 'https://ops.casino.example, http://floor.local:8080',
      }).CORS_ORIGINS,
    ).toEqual(['https://ops.casino.example', 'http://floor.local:8080']);
  });

  it('refuses entries a browser would never send as Origin', () => {
    for (const value of [
      'https://ops.casino.example/',
      'https://ops.casino.example/dashboard',
      'ops.casino.example',
      '*',
    ]) {
      expect(() => parseGatewayEnv({ NODE_ENV: 'test', CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
    }
  });
});
