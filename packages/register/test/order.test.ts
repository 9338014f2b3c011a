import { describe, expect, it } from 'vitest';
import { tsxRegisteredFirst } from '../src/order.js';

describe('tsxRegisteredFirst', () => {
  it.each([
    [['--import', 'tsx', '--import', '@cachet/register'], true],
    [['--import=tsx', '--import=@cachet/register'], true],
    [
      [
        '--require',
        '/x/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///x/node_modules/tsx/dist/loader.mjs',
        '--import',
        '@cachet/register',
      ],
      true,
    ],
    [['--import', '@cachet/register', '--import', 'tsx'], false],
    [['--import', '@cachet/register'], false],
    [['--import', 'tsx'], false],
    [['--import', './tsx-helpers.ts', '--import', '@cachet/register'], false],
  ])('%j: %s', (execArgv, expected) => {
    expect(tsxRegisteredFirst(execArgv)).toBe(expected);
  });
});
