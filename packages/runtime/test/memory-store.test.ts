import { createMemoryStore } from '../src/stores/memory-store.js';
import { describeStore } from './store-suite.js';

describeStore('memory store', { create: () => createMemoryStore() });
