import './browser.js';

export * from './public-core.js';
