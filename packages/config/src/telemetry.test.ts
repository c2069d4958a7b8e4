import { disableApolloTelemetryByDefault } from './index';

describe('Apollo telemetry is off unless the operator opts in', () => {
  it('sets APOLLO_TELEMETRY_DISABLED when nothing is configured', () => {
    const env: Record<string, string | undefined> = {};
    expect(disableApolloTelemetryByDefault(env)).toBe(false);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('keeps it off when APOLLO_TELEMETRY_ENABLED is anything but true', () => {
    for (const value of ['false', '1', 'yes', '']) {
      const env: Record<string, string | undefined> = { APOLLO_TELEMETRY_ENABLED: value };
      expect(disableApolloTelemetryByDefault(env)).toBe(false);
      expect(env.APOLLO_TELEMETRY_DISABLED).toBe('true');
    }
  });

  it('leaves the library alone when the operator opts in', () => {
    const env: Record<string, string | undefined> = { APOLLO_TELEMETRY_ENABLED: 'true' };
    expect(disableApolloTelemetryByDefault(env)).toBe(true);
    expect(env.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
  });
});
