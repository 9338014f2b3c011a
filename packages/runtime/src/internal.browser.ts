import './browser.js';

export * from './internal-core.js';
