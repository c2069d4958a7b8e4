/** One jest run for the whole workspace: unit tests next to the code, integration tests in tests/. */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/packages',
    '<rootDir>/subgraphs',
    '<rootDir>/gateway',
    '<rootDir>/schema',
    '<rootDir>/tests',
  ],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // the OTLP exporter loads node:http with import(), which jest's module sandbox refuses: compiled to require
    'otlp-exporter-base/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!.*@opentelemetry/otlp-exporter-base/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 60_000,
};
