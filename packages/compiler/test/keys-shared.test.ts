/**
 * The key cases of keys.test.ts once more, compiled as the bundler plugin compiles them: each
 * type's key helpers in a module of its own that the file imports (generate/share.ts). The
 * encoders must key every value as the helpers in the file do.
 */
import { useSharedHelpers } from './keys-harness.js';

useSharedHelpers();
await import('./keys.test.js');
