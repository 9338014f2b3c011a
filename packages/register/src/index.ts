/**
 * `node --import @cachet/register app.ts`: compiles `@cached` functions in TypeScript modules as
 * Node loads them, with the bundler plugin's compiler, diagnostics and a persistent transform
 * cache; Node's type stripping (or tsx, registered after this) removes the types. Options come
 * from the environment (`CACHET_TSCONFIG`, `CACHET_DEFAULTS`, `CACHET_VERIFY`, `CACHET_STRICT`,
 * `CACHET_TRANSFORM_CACHE`); for options in code, use `@cachet/register/api`.
 */
import { writeSync } from 'node:fs';
import { register } from './api.js';
import { optionsFromEnv } from './options.js';
import { tsxRegisteredFirst } from './order.js';

if (tsxRegisteredFirst(process.execArgv)) {
  writeSync(
    2,
    '@cachet/register: tsx is registered before Cachet, so it would strip the types Cachet reads. ' +
      'Put Cachet first: node --import @cachet/register --import tsx app.ts (the tsx command cannot: it preloads itself first)\n',
  );
  process.exit(1);
}
register(optionsFromEnv(process.env));
