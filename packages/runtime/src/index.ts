/** `@cachet/runtime` on Node: the public API, with SQLite and blob files as built-in stores. */
import './node.js';

export * from './public-core.js';
