export * from './field';
export * from './keyring';
export * from './protector';
export * from './rotation';
