export * from './compliance-sink';
export * from './event';
export * from './middleware';
export * from './outbox';
export * from './redact';
export * from './pii';
