import './node.js';

export * from './public-core.js';
