/**
 * esbuild with the prescan: the plugin finds the tagged files before the build and registers its
 * `onLoad` with a filter that names them, so untagged files stay in esbuild. Real esbuild, real
 * files: which paths reach the plugin's load is recorded by a load that marks what it was given.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, context, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildPrescan } from '../src/core/esbuild-load.js';
import { type Options, resolveOptions } from '../src/core/options.js';
import { createPrescan } from '../src/core/prescan.js';
import { prescanFilter } from '../src/core/prescan-filter.js';
import cachet from '../src/esbuild.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = join(here, '.tmp');
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A clock a minute ahead, so files written by the test count as settled (not edited just now). */
const later = (): number => Date.now() + 60_000;

function project(name: string, files: Record<string, string>): string {
  const root = join(tmp, 'prescan', name);
  roots.push(root);
  rmSync(root, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) write(join(root, file), text);
  return root;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const TAGGED = '/** @cached */\nexport function double(n: number): number {\n  return n * 2;\n}\n';
const PLAIN = 'export const plain = (n: number): number => n + 1;\n';
const MAIN =
  "import { double } from './users.js';\nimport { plain } from './plain.js';\nconsole.log(double(plain(1)));\n";

/**
 * The plugin's esbuild setup with a load that records the files it is given and marks the tagged
 * ones (a `console.log('@seen')` at their end), handing the others back as the real load does.
 */
function recording(root: string, options: Options = {}, now: () => number = later) {
  const loads: string[] = [];
  const setup = esbuildPrescan({
    options: resolveOptions({ cacheDir: join(root, '.cache'), ...options }, root),
    typescriptOnly: options.include === undefined,
    load: (_context, id) => {
      loads.push(relative(root, id).replace(/\\/g, '/'));
      const code = readFileSync(id, 'utf8');
      return code.includes('@cached') ? `${code}\nconsole.log('@seen');\n` : undefined;
    },
    now,
  });
  if (setup === undefined) throw new Error('the prescan is off');
  const plugin: Plugin = { name: 'recording', setup };
  return { loads, plugin };
}

function buildOptions(root: string, plugins: Plugin[], entry = 'src/main.ts'): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'silent',
    plugins,
  };
}

async function bundle(root: string, plugins: Plugin[], entry?: string): Promise<string> {
  const result = await build(buildOptions(root, plugins, entry));
  return result.outputFiles?.[0]?.text ?? '';
}

const indexOf = (root: string): string => {
  const cache = join(root, '.cache');
  const name = readdirSync(cache).find((file) => file.startsWith('prescan-'));
  if (name === undefined) throw new Error('no prescan index');
  return join(cache, name);
};

describe('esbuild with the prescan', () => {
  it('sends only the tagged files to the plugin, and compiles them', async () => {
    const root = project('one-shot', {
      'package.json': '{ "type": "module" }',
      'tsconfig.json': '{ "compilerOptions": { "strict": true, "module": "NodeNext" } }',
      'src/main.ts': MAIN,
      'src/users.ts': TAGGED,
      'src/plain.ts': PLAIN,
    });
    const { loads, plugin } = recording(root);
    const code = await bundle(root, [plugin]);
    expect(loads).toEqual(['src/users.ts']);
    expect(code).toContain('@seen');
    // The real plugin: the tagged file compiled, the untagged one as esbuild alone builds it.
    const compiled = await bundle(root, [cachet({ defaults: { storage: 'memory' }, cacheDir: join(root, '.cache') })]);
    expect(compiled).toContain('src/users.ts#double');
    const alone = await bundle(root, []);
    const plainOf = (text: string) => text.slice(text.indexOf('// src/plain.ts'), text.indexOf('// src/main.ts'));
    expect(plainOf(compiled)).toBe(plainOf(alone));
    expect(plainOf(alone)).toContain('plain = (n) => n + 1');
  });

  it('still sends files outside the scanned root, and files in skipped directories', async () => {
    const top = project('outside', {
      'app/src/main.ts':
        "import { double } from '../../shared/users.js';\nimport { v } from './.gen/v.js';\nconsole.log(double(v));\n",
      'app/src/.gen/v.ts': `${TAGGED}export const v = 1;\n`,
      'shared/users.ts': TAGGED,
    });
    const root = join(top, 'app');
    const { loads, plugin } = recording(root);
    const code = await bundle(root, [plugin]);
    expect(loads.sort()).toEqual(['../shared/users.ts', 'src/.gen/v.ts']);
    expect(code.match(/@seen/g)).toHaveLength(2);
  });

  it('reads no untagged file again on a warm build, and reads a changed one', async () => {
    const root = project('warm', { 'src/main.ts': MAIN, 'src/users.ts': TAGGED, 'src/plain.ts': PLAIN });
    await bundle(root, [recording(root).plugin]);
    const index = indexOf(root);
    const written = statSync(index).mtimeMs;
    const stored = readFileSync(index, 'utf8');
    const warm = recording(root);
    await bundle(root, [warm.plugin]);
    expect(warm.loads).toEqual(['src/users.ts']);
    expect(statSync(index).mtimeMs).toBe(written); // nothing read, nothing to write
    expect(readFileSync(index, 'utf8')).toBe(stored);
    // plain.ts gains the tag between builds: the next build's scan reads it and sends it.
    write(join(root, 'src/plain.ts'), `/** @cached */\n${PLAIN}`);
    const edited = recording(root);
    await bundle(root, [edited.plugin]);
    expect(edited.loads.sort()).toEqual(['src/plain.ts', 'src/users.ts']);
  });

  it('counts reads: a second scan with the index reads only what changed', () => {
    const root = project('reads', { 'src/a.ts': TAGGED, 'src/b.ts': PLAIN, 'src/c.ts': PLAIN });
    const props = { root, accepts: () => true, indexFile: join(root, '.cache/index.json'), keepsSymlinks: false };
    const first = createPrescan({ ...props, now: later });
    expect([...(first.scan()?.tagged ?? [])]).toEqual([join(root, 'src/a.ts')]);
    expect(first.counts.read).toBe(3);
    const second = createPrescan({ ...props, now: later });
    second.scan();
    expect(second.counts).toEqual({ read: 0, indexWrites: 0 });
    write(join(root, 'src/c.ts'), `${PLAIN}// more\n`);
    expect([...(second.scan()?.tagged ?? [])]).toEqual([join(root, 'src/a.ts')]);
    expect(second.counts.read).toBe(1);
    // A file changed just now is read again by the next scan: its times could hide an edit made
    // in the same tick of the file system's clock.
    const now = createPrescan({ ...props, indexFile: join(root, '.cache/other.json') });
    now.scan();
    now.scan();
    expect(now.counts.read).toBe(6);
  });

  it('ignores a corrupt or foreign index, and replaces it', async () => {
    const root = project('corrupt', { 'src/main.ts': MAIN, 'src/users.ts': TAGGED, 'src/plain.ts': PLAIN });
    await bundle(root, [recording(root).plugin]);
    const index = indexOf(root);
    const good = readFileSync(index, 'utf8');
    // Claims users.ts has no tag: a trusted corrupt index would keep it from the plugin.
    const lying = good.replace(/("users\.ts":\[[^\]]*)true\]/, '$1false]');
    expect(lying).not.toBe(good);
    for (const bad of [
      '{ not json',
      lying.replace('"format":1', '"format":"1"'),
      lying.replace(/"root":"[^"]*"/, '"root":"/elsewhere"'),
      lying.replace(/("users\.ts":\[[^\]]*)false\]/, '$1 0]'), // an entry that is not one: the file is read
    ]) {
      writeFileSync(index, bad);
      const again = recording(root);
      await bundle(root, [again.plugin]);
      expect(again.loads).toEqual(['src/users.ts']);
      expect(JSON.parse(readFileSync(index, 'utf8'))).toEqual(JSON.parse(good));
    }
  });

  it('works under a root whose path has regular expression characters', async () => {
    const top = project('a+b (1)', {
      'x[y]/main.ts': `${MAIN.replaceAll('./', './src/')}import { double as twice } from '../x[y]z/users.js';\nconsole.log(twice(2));\n`,
      'x[y]/src/users.ts': TAGGED,
      'x[y]/src/plain.ts': PLAIN,
      'x[y]z/users.ts': TAGGED,
    });
    const root = join(top, 'x[y]');
    const { loads, plugin } = recording(root);
    const code = await bundle(root, [plugin], 'main.ts');
    // A sibling directory whose name starts with the root's is outside it: its file crosses.
    expect(loads.sort()).toEqual(['../x[y]z/users.ts', 'src/users.ts']);
    expect(code.match(/@seen/g)).toHaveLength(2);
  });

  it('walks the directory that holds the entry points', async () => {
    const root = project('entries', {
      'src/main.ts': MAIN,
      'src/users.ts': TAGGED,
      'src/plain.ts': PLAIN,
      'tools/other.ts': TAGGED,
      'tools/deep/more.ts': PLAIN,
    });
    const indexed = async (entryPoints: string[]): Promise<string[]> => {
      rmSync(join(root, '.cache'), { recursive: true, force: true });
      await build({ ...buildOptions(root, [recording(root).plugin]), entryPoints, outdir: 'out' });
      return Object.keys(JSON.parse(readFileSync(indexOf(root), 'utf8')).files).sort();
    };
    expect(await indexed(['src/main.ts'])).toEqual(['main.ts', 'plain.ts', 'users.ts']);
    expect(await indexed(['src/main.ts', 'tools/deep/more.ts'])).toHaveLength(5);
    expect(await indexed(['tools/*/more.ts'])).toEqual(['deep/more.ts', 'other.ts']);
  });

  it('fails a rebuild when a file gained the tag since the context started, and hands back one that lost it', async () => {
    const root = project('rebuild', { 'src/main.ts': MAIN, 'src/users.ts': TAGGED, 'src/plain.ts': PLAIN });
    const { loads, plugin } = recording(root);
    const ctx = await context(buildOptions(root, [plugin]));
    try {
      expect((await ctx.rebuild()).outputFiles?.[0]?.text).toContain('@seen');
      write(join(root, 'src/plain.ts'), `/** @cached */\n${PLAIN}`);
      const failed = await ctx.rebuild().then(
        () => undefined,
        (error: { errors: { text: string; pluginName: string }[] }) => error.errors,
      );
      expect(failed).toHaveLength(1);
      expect(failed?.[0]?.text).toMatch(
        /^CACHET_E_TAG_AFTER_START: .*src[\\/]plain\.ts has @cached since this esbuild context was created.*dispose of the context and create it again/,
      );
      // Back without the tag: builds again. users.ts loses its tag: handed back, esbuild's own.
      write(join(root, 'src/plain.ts'), PLAIN);
      write(join(root, 'src/users.ts'), TAGGED.replace('@cached', 'cached'));
      loads.length = 0;
      const text = (await ctx.rebuild()).outputFiles?.[0]?.text ?? '';
      expect(loads).toEqual(['src/users.ts']);
      expect(text).not.toContain('@seen');
      expect(text).toContain('function double(n)');
    } finally {
      await ctx.dispose();
    }
  });

  it('scans again at the first build of a context that starts later than the setup', async () => {
    const root = project('first-rebuild', { 'src/main.ts': MAIN, 'src/users.ts': TAGGED, 'src/plain.ts': PLAIN });
    let clock = later();
    const ctx = await context(buildOptions(root, [recording(root, {}, () => clock).plugin]));
    try {
      write(join(root, 'src/plain.ts'), `/** @cached */\n${PLAIN}`);
      clock += 1000;
      const failed = await ctx.rebuild().then(
        () => [],
        (error: { errors: { text: string }[] }) => error.errors.map((e) => e.text),
      );
      expect(failed).toEqual([expect.stringMatching(/^CACHET_E_TAG_AFTER_START: .*plain\.ts has @cached/)]);
    } finally {
      await ctx.dispose();
    }
  });

  it('lets paths through symbolic links cross when esbuild keeps them', async () => {
    const root = project('links', { 'src/users.ts': TAGGED });
    symlinkSync(join(root, 'src'), join(root, 'linked'));
    write(join(root, 'main.ts'), "import { double } from './linked/users.js';\nconsole.log(double(1));\n");
    const kept = recording(root);
    const code = (await build({ ...buildOptions(root, [kept.plugin], 'main.ts'), preserveSymlinks: true }))
      .outputFiles?.[0]?.text;
    expect(kept.loads).toEqual(['linked/users.ts']);
    expect(code).toContain('@seen');
    const real = recording(root);
    await bundle(root, [real.plugin], 'main.ts');
    expect(real.loads).toEqual(['src/users.ts']);
    // A link made after the context started: its paths are not covered, so the rebuild fails.
    const ctx = await context({ ...buildOptions(root, [recording(root).plugin], 'main.ts'), preserveSymlinks: true });
    try {
      await ctx.rebuild();
      symlinkSync(join(root, 'src'), join(root, 'again'));
      const failed = await ctx.rebuild().then(
        () => [],
        (error: { errors: { text: string }[] }) => error.errors.map((e) => e.text),
      );
      expect(failed).toEqual([expect.stringMatching(/^CACHET_E_TAG_AFTER_START: .*again is a symbolic link since/)]);
    } finally {
      await ctx.dispose();
    }
  });

  it('is off with prescan: false or glob patterns: every TypeScript file reaches the plugin', () => {
    const options = (given: Options) =>
      esbuildPrescan({ options: resolveOptions(given), typescriptOnly: false, load: () => undefined });
    expect(options({})).toBeTypeOf('function');
    expect(options({ prescan: false })).toBeUndefined();
    expect(options({ include: ['src/**/*.ts'] })).toBeUndefined();
  });
});

describe('the prescan filter', () => {
  const scan = (tagged: string[], unreadable: string[] = []) => ({ tagged: new Set(tagged), unreadable, links: [] });

  /** The paths of `paths` that esbuild's Go regexp lets through `filter`. */
  async function throughGo(filter: RegExp, paths: readonly string[]): Promise<string[]> {
    const matched: string[] = [];
    await build({
      stdin: { contents: paths.map((_path, i) => `import ${JSON.stringify(`probe:${i}`)};`).join('\n') },
      bundle: true,
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'probe',
          setup(build) {
            build.onResolve({ filter: /^probe:/ }, (args) => ({
              path: paths[Number(args.path.slice('probe:'.length))] as string,
              namespace: 'probe',
            }));
            build.onLoad({ filter, namespace: 'probe' }, (args) => {
              matched.push(args.path);
              return { contents: '' };
            });
            build.onLoad({ filter: /.*/, namespace: 'probe' }, () => ({ contents: '' }));
          },
        },
      ],
    });
    return matched.sort();
  }

  const cases = [
    {
      platform: 'linux' as const,
      root: '/w/a+b (1)',
      tagged: ['/w/a+b (1)/src/users.ts', '/w/a+b (1)/src/x.y.ts'],
      unscanned: ['/w/a+b (1)/locked'],
      cross: [
        '/w/a+b (1)/src/users.ts',
        '/w/a+b (1)/src/x.y.ts',
        '/w/a+b (1)/node_modules/p/i.ts',
        '/w/a+b (1)/src/.gen/g.ts',
        '/w/a+b (1)/locked/q.ts',
        '/w/a+b (1)/locked',
        '/w/a+b (1)x/users.ts',
        '/w/a+b (2)/users.ts',
        '/w/a+b/users.ts',
        '/w/ab (1)/users.ts',
        '/other/users.ts',
        '/w/a+b (1).ts',
        'w/a+b (1)/src/users.ts',
      ],
      stay: [
        '/w/a+b (1)/src/plain.ts',
        '/w/a+b (1)/src/users.tsx',
        '/w/a+b (1)/src/xxy.ts',
        '/w/a+b (1)/users.ts',
        '/w/a+b (1)/src/USERS.ts',
        '/other/plain.js',
        '/w/a+b (1)/node_modules/p/i.js',
      ],
    },
    {
      platform: 'linux' as const,
      root: '/w/lib.tsx-src',
      tagged: [],
      unscanned: [],
      cross: ['/w/lib.ts', '/w/lib.tsx', '/w/lib.mts', '/w/lib.tsx-srcX.ts', '/w/lib.c.ts', '/w/lib.tsx-sr.ts'],
      stay: ['/w/lib.tsx-src/a.ts', '/w/lib.js', '/w/lib.tsx-'],
    },
    {
      platform: 'win32' as const,
      root: 'C:\\w\\App',
      tagged: ['C:\\w\\App\\src\\users.ts'],
      unscanned: [],
      cross: ['C:\\w\\App\\src\\users.ts', 'c:/w/app/SRC/Users.ts', 'C:\\w\\Apps\\x.ts', 'D:\\w\\App\\src\\plain.ts'],
      stay: ['C:\\w\\App\\src\\plain.ts', 'c:/w/app/src/plain.ts'],
    },
  ];

  it.each(cases)('lets the right paths cross, in JavaScript and in Go ($platform)', async (c) => {
    const filter = prescanFilter({
      root: c.root,
      scan: scan(c.tagged, c.unscanned),
      typescriptOnly: true,
      platform: c.platform,
    });
    const all = [...c.cross, ...c.stay];
    expect(all.filter((path) => filter.test(path)).sort()).toEqual([...c.cross].sort());
    expect(await throughGo(filter, all)).toEqual([...c.cross].sort());
  });

  it('agrees with "outside the root and TypeScript" on paths made from the root’s own characters', async () => {
    const root = '/a.t/b.ts';
    const filter = prescanFilter({ root, scan: scan([]), typescriptOnly: true, platform: 'linux' });
    const letters = [...new Set(`${root}/.cmx`)];
    const endings = ['', '.ts', 'ts', 's', '.mts', 'x', '.tsx', '.c', '/x.ts'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const paths = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      // A piece of the root, a few of its characters, an ending: near misses are the point.
      let path = root.slice(0, random(root.length + 2));
      for (let k = random(3); k > 0; k--) path += letters[random(letters.length)];
      paths.add(path + endings[random(endings.length)]);
    }
    const expected = [...paths].filter((path) => !path.startsWith(`${root}/`) && /\.[cm]?tsx?$/.test(path)).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect([...paths].filter((path) => filter.test(path)).sort()).toEqual(expected);
    expect(
      await throughGo(
        filter,
        [...paths].filter((path) => path !== ''),
      ),
    ).toEqual(expected);
  });

  it('lets every file outside the root cross when include is the user’s', async () => {
    const filter = prescanFilter({ root: '/w/app', scan: scan([]), typescriptOnly: false, platform: 'linux' });
    const cross = ['/w/other/x.js', '/w/app/node_modules/x.js', '/w/ap', '/w/app'];
    const stay = ['/w/app/src/x.js'];
    expect([...cross, ...stay].filter((path) => filter.test(path)).sort()).toEqual([...cross].sort());
    expect(await throughGo(filter, [...cross, ...stay])).toEqual([...cross].sort());
  });
});
