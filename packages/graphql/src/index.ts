export * from './field-resolver';
export * from './scalars';
