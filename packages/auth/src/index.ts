export * from './identity';
export * from './rules';
export * from './tokens';
export * from './service-client';
export * from './credential';
export * from './credential-env';
export * from './replay-guard';
export * from './revocation';
