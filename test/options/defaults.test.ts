/**
 * Every default the declarations state (and the docs' tables show) is the one each front end
 * that takes the option applies when it is left out. A declared default without a check here
 * fails the first test, so a new one cannot go unchecked.
 */
import { buildOptions, resolveOptions as resolveCompilerOptions } from '@cachet/compiler';
import { parseDuration } from '@cachet/runtime';
import {
  configureOptions,
  type FrontEnd,
  functionOptions,
  type OptionSpec,
  type Schema,
} from '@cachet/runtime/options';
import { resolveOptions as resolvePluginOptions } from 'unplugin-cachet/core';
import { describe, expect, it } from 'vitest';
import { resolveRegisterOptions } from '../../packages/register/src/options.js';
import '../../packages/runtime/src/node.js';
import { resolveConfig } from '../../packages/runtime/src/config.js';
import { resolveSqliteStoreOptions } from '../../packages/runtime/src/stores/sqlite/options.js';

/** Every declared default: `front end:path` and the spec that states it. */
function declaredDefaults(schemas: Record<string, Schema>): Map<string, OptionSpec> {
  const found = new Map<string, OptionSpec>();
  const walk = (schema: Schema, path: string[]): void => {
    for (const [name, spec] of Object.entries(schema)) {
      if (spec.fields !== undefined) walk(spec.fields, [...path, name]);
      if (spec.default === undefined) continue;
      for (const frontEnd of spec.frontEnds) found.set(`${frontEnd}:${[...path, name].join('.')}`, spec);
    }
  };
  for (const schema of Object.values(schemas)) walk(schema, []);
  return found;
}

const config = () => resolveConfig({});
const sqlite = () => resolveSqliteStoreOptions({ dir: ':memory:', ...config().sqlite });
const compiler = (frontEnd: FrontEnd) => () =>
  frontEnd === 'plugin' ? resolvePluginOptions({}).compiler : resolveCompilerOptions({}, frontEnd);
const register = () => resolveRegisterOptions({}, process.cwd());
/** The one level every warning code has, as `warnings` would be written. */
const level = (table: unknown) => {
  const levels = new Set(typeof table === 'object' && table !== null ? Object.values(table) : [table]);
  return levels.size === 1 ? [...levels][0] : table;
};

/** What each front end applies when the option is left out, in the declaration's terms (durations in ms). */
const applied: Record<string, () => unknown> = {
  'configure:defaults.ttl': () => config().ttl,
  'plugin:defaults.ttl': () => resolvePluginOptions({}).compiler.defaults?.ttl ?? config().ttl,
  'tsconfig:defaults.ttl': () => resolveCompilerOptions({}).defaults.ttl ?? config().ttl,
  'register:defaults.ttl': () => register().defaults.ttl ?? config().ttl,
  'configure:memory.maxEntries': () => config().memory.maxEntries,
  'configure:memory.maxBytes': () => config().memory.maxBytes,
  'configure:backoff': () => config().backoff,
  'configure:lease': () => config().lease,
  'configure:sqlite.maxBytes': () => sqlite().maxBytes,
  'configure:sqlite.inlineLimit': () => sqlite().inlineLimit,
  'configure:sqlite.busyTimeout': () => sqlite().busyTimeout,
  'plugin:verify': () => compiler('plugin')().verify,
  'tsconfig:verify': () => compiler('tsconfig')().verify,
  'register:verify': () => register().verify,
  'plugin:warnings': () => level(compiler('plugin')().warnings),
  'tsconfig:warnings': () => level(compiler('tsconfig')().warnings),
  'register:warnings': () => register().warnings ?? level(compiler('register')().warnings),
  // strict is `warnings: 'error'`: left out, warnings are not errors.
  'plugin:strict': () => level(compiler('plugin')().warnings) === 'error',
  'tsconfig:strict': () => level(compiler('tsconfig')().warnings) === 'error',
  'register:strict': () => register().strict,
  'plugin:runtimeModule': () => compiler('plugin')().runtimeModule,
  'tsconfig:runtimeModule': () => compiler('tsconfig')().runtimeModule,
  'register:runtimeModule': () => register().runtimeModule ?? compiler('register')().runtimeModule,
  'plugin:prescan': () => resolvePluginOptions({}).prescan,
};

const declared = declaredDefaults({ functionOptions, configureOptions, buildOptions });

describe('declared defaults', () => {
  it('each has a check of what its front end applies', () => {
    expect([...declared.keys()].sort()).toEqual(Object.keys(applied).sort());
  });

  it.each([...declared])('%s is the one applied', (key, spec) => {
    const expected = spec.kind === 'duration' ? parseDuration(spec.default as string) : spec.default;
    expect((applied[key] as () => unknown)()).toEqual(expected);
  });
});
