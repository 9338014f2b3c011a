import './node.js';

export * from './internal-core.js';
