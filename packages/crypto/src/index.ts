export * from './field';
export * from './keyring';
