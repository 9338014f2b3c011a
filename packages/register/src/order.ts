/**
 * tsx must come after this loader: hooks registered later run first, so a tsx registered before
 * Cachet would hand it JavaScript with the types (and the `@cached` comments) already gone, and
 * tagged functions would silently run uncached.
 */

/** Whether tsx was preloaded before `@cachet/register` in these Node options. */
export function tsxRegisteredFirst(execArgv: readonly string[]): boolean {
  const preloads = preloadsOf(execArgv);
  const tsx = preloads.findIndex((value) => /(^|[\\/])tsx([\\/]|$)/.test(value));
  const cachet = preloads.findIndex((value) => /@cachet[\\/]register|packages[\\/]register[\\/]dist/.test(value));
  return tsx !== -1 && cachet !== -1 && tsx < cachet;
}

/** The values of `--import`, `--require`, `--loader` and `--experimental-loader`, in order. */
function preloadsOf(execArgv: readonly string[]): string[] {
  const flags = /^(--import|--require|-r|--loader|--experimental-loader)(=(.*))?$/;
  const values: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const match = flags.exec(execArgv[i] as string);
    if (match === null) continue;
    const value = match[2] === undefined ? execArgv[++i] : match[3];
    if (value !== undefined) values.push(value);
  }
  return values;
}
