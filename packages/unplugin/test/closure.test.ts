/**
 * After an edit, the first file analysed again gets a program of its own import closure, and only
 * when that types it as the whole program would: every case where it could not falls back to the
 * whole program, and the output is the one a cold build gives.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCompiler } from '@cachet/compiler';
import { describe, expect, it } from 'vitest';
import { createProjects, type Projects } from '../src/core/projects.js';
import { type Analyser, analyserSource } from '../src/core/typescript.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = join(here, '.tmp/closure');

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, skipLibCheck: true, types: [] },
  include: ['src'],
});

/** Two tagged files: `a.ts` uses only `types.ts`; `b.ts` also imports `other.ts`. */
const FILES: Record<string, string> = {
  'src/types.ts': 'export interface Filter {\n  kind: string;\n}\n',
  'src/other.ts': 'export const other = 1;\n',
  'src/a.ts': `import type { Filter } from './types.js';

/** @cached ttl=1m storage=memory */
export function a(filter: Filter): string {
  return JSON.stringify(filter);
}
`,
  'src/b.ts': `import type { Filter } from './types.js';
import { other } from './other.js';

/** @cached ttl=1m storage=memory */
export function b(filter: Filter): number {
  return filter.kind.length + other;
}
`,
};

interface Setup {
  readonly root: string;
  readonly path: (name: string) => string;
  readonly analyser: Analyser;
  readonly projects: Projects;
  /** Writes a file and tells the projects, as a watch event would. */
  edit(name: string, text: string): void;
  /** The program `projects` gives a file now, with its text on disk. */
  program(name: string): import('typescript').Program;
}

function setup(name: string, files: Record<string, string> = {}): Setup {
  const root = join(tmp, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'tsconfig.json'), TSCONFIG);
  for (const [file, text] of Object.entries({ ...FILES, ...files })) writeFileSync(join(root, file), text);
  const path = (file: string): string => join(root, file).replace(/\\/g, '/');
  const analyser = analyserSource(root).load();
  const projects = createProjects({ analyser, tsconfig: undefined });
  return {
    root,
    path,
    analyser,
    projects,
    edit(file, text) {
      writeFileSync(join(root, file), text);
      projects.fileChanged(path(file));
    },
    program: (file) => projects.program(path(file), readFileSync(join(root, file), 'utf8')),
  };
}

/** What a cold build gives for a file: a new language service over what is on disk now. */
function cold(s: Setup, file: string): string | undefined {
  const projects = createProjects({ analyser: s.analyser, tsconfig: undefined });
  const code = readFileSync(join(s.root, file), 'utf8');
  const compiler = createCompiler({ ts: s.analyser.ts, options: {} });
  return compiler.transform({ program: projects.program(s.path(file), code), fileName: s.path(file), code })?.code;
}

function warm(s: Setup, file: string): string | undefined {
  const code = readFileSync(join(s.root, file), 'utf8');
  const compiler = createCompiler({ ts: s.analyser.ts, options: {} });
  return compiler.transform({ program: s.program(file), fileName: s.path(file), code })?.code;
}

const EDITED = FILES['src/types.ts']?.replace('kind: string;', 'kind: string;\n  region: number;') ?? '';

describe('after an edit', () => {
  it('the first file is analysed with its import closure, the next with the whole program', () => {
    const s = setup('plain');
    const whole = s.program('src/a.ts');
    expect(whole.getSourceFile(s.path('src/other.ts'))).toBeDefined();
    expect(s.program('src/b.ts')).toBe(whole);

    s.edit('src/types.ts', EDITED);
    const closure = s.program('src/a.ts');
    expect(closure).not.toBe(whole);
    // The closure: no file `a.ts` does not reach, and the edited type.
    expect(closure.getSourceFile(s.path('src/other.ts'))).toBeUndefined();
    expect(closure.getSourceFile(s.path('src/types.ts'))?.text).toBe(EDITED);
    // Every lib file is the one the whole program holds: nothing parsed again.
    for (const file of whole.getSourceFiles()) {
      if (whole.isSourceFileDefaultLibrary(file)) expect(closure.getSourceFile(file.fileName)).toBe(file);
    }
    // The next file at the same version: the whole program, brought up to date once.
    const next = s.program('src/b.ts');
    expect(next).not.toBe(whole);
    expect(next.getSourceFile(s.path('src/types.ts'))?.text).toBe(EDITED);
    expect(s.program('src/a.ts')).toBe(next);
  });

  it('the output is what a cold build gives', () => {
    const s = setup('same-output');
    warm(s, 'src/a.ts');
    s.edit('src/types.ts', EDITED);
    const closure = s.program('src/a.ts');
    expect(closure.getSourceFile(s.path('src/other.ts'))).toBeUndefined();
    const output = warm(s, 'src/a.ts');
    expect(output).toMatch(/\bregion\b/);
    expect(output).toBe(cold(s, 'src/a.ts'));
  });

  it('a module augmentation outside the closure: the whole program, which sees it', () => {
    const augmenting = `${FILES['src/other.ts']}
declare module './types.js' {
  interface Filter {
    owner: string;
  }
}
`;
    const s = setup('augmentation', { 'src/other.ts': augmenting });
    expect(warm(s, 'src/a.ts')).toMatch(/\bowner\b/);
    s.edit('src/types.ts', EDITED);
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeDefined();
    const output = warm(s, 'src/a.ts');
    expect(output).toMatch(/\bowner\b/);
    expect(output).toMatch(/\bregion\b/);
    expect(output).toBe(cold(s, 'src/a.ts'));
    // The next edit: still the whole program (the closure is not tried again for this file).
    s.edit('src/types.ts', EDITED.replace('region: number;', 'region: string;'));
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeDefined();
    expect(warm(s, 'src/a.ts')).toBe(cold(s, 'src/a.ts'));
  });

  it('a global declaration outside the closure: the whole program', () => {
    const global = `${FILES['src/other.ts']}
declare global {
  interface Region {
    code: string;
  }
}
`;
    const s = setup('global', {
      'src/other.ts': global,
      'src/types.ts': 'export interface Filter {\n  kind: string;\n  region: Region;\n}\n',
    });
    expect(warm(s, 'src/a.ts')).toMatch(/\bcode\b/);
    s.edit('src/types.ts', 'export interface Filter {\n  kind: number;\n  region: Region;\n}\n');
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeDefined();
    const output = warm(s, 'src/a.ts');
    expect(output).toMatch(/\bcode\b/);
    expect(output).toBe(cold(s, 'src/a.ts'));
  });

  it('a script outside the closure (globals without an import): the whole program', () => {
    const s = setup('script', {
      'src/other.ts': 'interface Region {\n  code: string;\n}\nconst other = 1;\n',
      'src/b.ts': FILES['src/b.ts']?.replace("import { other } from './other.js';\n", '') ?? '',
      'src/types.ts': 'export interface Filter {\n  kind: string;\n  region: Region;\n}\n',
    });
    const whole = s.program('src/a.ts');
    // A script in the tsconfig is not a root (no tag): it is in no program, before or after.
    expect(whole.getSourceFile(s.path('src/other.ts'))).toBeUndefined();
    s.edit('src/types.ts', 'export interface Filter {\n  kind: number;\n  region: Region;\n}\n');
    expect(warm(s, 'src/a.ts')).toBe(cold(s, 'src/a.ts'));
  });

  it('an edit that adds to the global scope or changes imports: the whole program', () => {
    const s = setup('edits');
    const whole = s.program('src/a.ts');
    s.edit('src/types.ts', `${EDITED}declare global {\n  interface Window {\n    x: number;\n  }\n}\n`);
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeDefined();

    // Taking it away again changes the global scope too.
    s.edit('src/types.ts', EDITED);
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeDefined();
    s.edit('src/types.ts', FILES['src/types.ts'] ?? '');
    expect(s.program('src/a.ts').getSourceFile(s.path('src/other.ts'))).toBeUndefined();
    s.program('src/b.ts');

    // types.ts now imports other.ts: the closure would hold it, but the graph changed.
    s.edit('src/types.ts', `import './other.js';\n${FILES['src/types.ts']}`);
    const after = s.program('src/a.ts');
    expect(after).not.toBe(whole);
    expect(after.getRootFileNames()).toContain(s.path('src/b.ts'));
    expect(warm(s, 'src/a.ts')).toBe(cold(s, 'src/a.ts'));
  });

  it('an edit to a file outside the closure: the whole program', () => {
    const s = setup('outside');
    s.program('src/a.ts');
    s.edit('src/other.ts', 'export const other = 2;\n');
    const program = s.program('src/a.ts');
    expect(program.getSourceFile(s.path('src/other.ts'))?.text).toBe('export const other = 2;\n');
  });

  it('an edit to the tagged file itself: its closure, then the whole program for the next', () => {
    const s = setup('source');
    s.program('src/a.ts');
    const code = readFileSync(join(s.root, 'src/a.ts'), 'utf8').replace('JSON.stringify(filter)', 'filter.kind');
    const closure = s.projects.program(s.path('src/a.ts'), code);
    expect(closure.getSourceFile(s.path('src/other.ts'))).toBeUndefined();
    expect(closure.getSourceFile(s.path('src/a.ts'))?.text).toBe(code);
    expect(s.program('src/b.ts').getSourceFile(s.path('src/a.ts'))?.text).toBe(code);
  });
});
