export * from './errors.js';
export * from './ack.js';
export * from './users.js';
export * from './rooms.js';
export * from './chat.js';
export * from './events.js';
export * from './study.js';
export * from './study-events.js';
