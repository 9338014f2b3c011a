/** The places options are written, each reading the same declarations. */
export const FRONT_ENDS = {
  tag: 'the `@cached` tag',
  cached: '`cached(fn, options)`',
  configure: '`configure(options)`',
  plugin: 'the bundler plugin',
  tsconfig: 'the tsconfig plugin entry',
  register: '`register(options)`',
} as const;

/** One place options are written (`tag`, `cached`, `configure`, `plugin`, `tsconfig`, `register`). */
export type FrontEnd = keyof typeof FRONT_ENDS;
