export * from './schedule';
export * from './scheduler';
export * from './claims';
