export * from './identity';
export * from './rules';
export * from './tokens';
export * from './service-client';
