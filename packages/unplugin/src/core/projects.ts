/**
 * Types inside a bundler: one long-lived TypeScript language service per tsconfig, fed the
 * bundler's current code as versioned snapshots. After an edit, the service re-checks only what
 * changed instead of building a program per file.
 *
 * The program of a tsconfig is the import closure of its tagged files, not the whole project: its
 * roots are the project's declaration files (ambient types) and every file of the project whose
 * text contains `@cached` (a string search when the service starts), so the first tagged file
 * builds the one program every other tagged file is analysed with. A tagged file outside the
 * tsconfig's files joins as a root when the bundler hands it over.
 *
 * The services live as long as the process and are shared by every plugin instance with the same
 * `tsconfig` option (Vite's environments, webpack's compilers, esbuild's rebuilds, a second build
 * in the same process): a build checks what changed on disk (`refresh`) instead of starting over.
 *
 * Every file has a content version: it moves only when the text differs, so reading a file again
 * after a watch event that changed nothing keeps the programs (and the plugin's cached results).
 *
 * After an edit (watch mode, HMR), the first file analysed again is analysed with a program of its
 * own import closure (plus the project's declaration files), from a second language service over
 * the same document registry, so nothing is parsed twice: bringing the whole program up to date
 * looks at every file of it (tens of milliseconds at a few thousand modules), the closure at a few
 * dozen. It is used only when it gives the types the whole program would (`sameEdits`): no
 * edited file left the closure, changed its imports or adds to the global scope, and the files that
 * add to the global scope (scripts, `declare global`, module augmentations, UMD globals) are the
 * same, in the same order, in both. Otherwise, and for the next file analysed at the same version
 * (a type edit makes every tagged file that uses it a dependent: one program for all of them), the
 * whole program is brought up to date.
 */
import { statSync } from 'node:fs';
import type ts from 'typescript';
import type { Analyser, TS } from './typescript.js';

export interface Projects {
  /** The program of `fileName`'s tsconfig, with `code` as the file's text. */
  program(fileName: string, code: string): ts.Program;
  /** The content version of a file as the programs see it (`-` when it does not exist). */
  version(fileName: string): string;
  /**
   * A file changed, appeared or went away on disk: read it again (a tsconfig: start its services
   * again). Returns whether its text changed.
   */
  fileChanged(fileName: string): boolean;
  /**
   * Looks at every file read from disk again (by modification time and size), for builds without
   * watch events; services whose tsconfig changed start again. Returns the files whose text changed.
   */
  refresh(): string[];
  /** Whether `fileName` is a tsconfig one of the services was made from, or a file it extends. */
  isConfig(fileName: string): boolean;
  /** The tsconfig `fileName` is analysed with and the files it extends (none without one). */
  configFiles(fileName: string): readonly string[];
}

interface FileState {
  text: string | undefined;
  version: number;
  /** Modification time and size when read from disk; undefined for code the bundler passed. */
  stat: string | undefined;
}

interface Project {
  readonly service: ts.LanguageService;
  /** The service of one file's import closure (see above); it makes a program at the first edit. */
  closure: ts.LanguageService | undefined;
  /** The file whose closure `closure` holds. */
  closureFile: string;
  /** The last program `service` made, and the project version it was made at. */
  full: { readonly program: ts.Program; readonly version: number } | undefined;
  /** Files whose text changed since `full` was made. */
  readonly changed: Set<string>;
  /** The project version a closure program was last used at. */
  closureAt: number;
  /**
   * Files whose closure lacked a file the whole program has that adds to the global scope (an
   * `@types/node` another tagged file imports, say), with the whole program's list of those files
   * then: while it stays the same, the closure is not tried again for them (it would be in vain).
   */
  readonly closureMisses: Map<string, string>;
  /** The tsconfig and the files it extends. */
  readonly configFiles: readonly string[];
  /** Their texts when the service was made (compared whole: a few small files). */
  readonly configTexts: ReadonlyMap<string, string | undefined>;
  readonly roots: Set<string>;
  rootList: string[];
}

/** The shared projects, by the plugin's `tsconfig` option ('' for the nearest tsconfig of each file). */
const shared = new Map<string, { analyser: Analyser; projects: Projects }>();

/**
 * The projects of this process for a `tsconfig` option, made on first use: every plugin instance
 * with the same option gets the same, looked at again for changes on disk.
 */
export function sharedProjects(props: { analyser: Analyser; tsconfig: string | undefined }): Projects {
  const key = props.tsconfig ?? '';
  const known = shared.get(key);
  if (known !== undefined && known.analyser === props.analyser) {
    known.projects.refresh();
    return known.projects;
  }
  const projects = createProjects(props);
  shared.set(key, { analyser: props.analyser, projects });
  return projects;
}

const NO_CONFIG = '';

export function createProjects(props: { analyser: Analyser; tsconfig: string | undefined }): Projects {
  const { ts, libFiles, libDir } = props.analyser;
  const registry = ts.createDocumentRegistry(
    ts.sys.useCaseSensitiveFileNames,
    ts.sys.getCurrentDirectory(),
    ts.JSDocParsingMode.ParseForTypeInfo,
  );
  const files = new Map<string, FileState>();
  const projects = new Map<string, Project>();
  const configOfDir = new Map<string, string>();
  let projectVersion = 0;

  function readDisk(fileName: string): Pick<FileState, 'text' | 'stat'> {
    const stat = statOf(fileName);
    return { text: stat === MISSING ? undefined : ts.sys.readFile(fileName), stat };
  }

  function setText(fileName: string, text: string | undefined, stat: string | undefined): boolean {
    const state = files.get(fileName);
    if (state === undefined) {
      files.set(fileName, { text, version: 1, stat });
      changed(fileName);
      return true;
    }
    state.stat = stat;
    if (state.text === text) return false;
    state.text = text;
    state.version++;
    changed(fileName);
    return true;
  }

  function changed(fileName: string): void {
    projectVersion++;
    for (const project of projects.values()) if (project.full !== undefined) project.changed.add(fileName);
  }

  function fileState(fileName: string): FileState {
    let state = files.get(fileName);
    if (state === undefined) {
      const disk = readDisk(fileName);
      state = { ...disk, version: 1 };
      files.set(fileName, state);
    }
    return state;
  }

  function configFor(fileName: string): string {
    if (props.tsconfig !== undefined) return props.tsconfig;
    const dir = fileName.slice(0, fileName.lastIndexOf('/'));
    let config = configOfDir.get(dir);
    if (config === undefined) {
      config = ts.findConfigFile(dir, ts.sys.fileExists) ?? NO_CONFIG;
      configOfDir.set(dir, config);
    }
    return config;
  }

  function createProject(config: string): Project {
    const parsed = config === NO_CONFIG ? undefined : parseConfig(config);
    const options: ts.CompilerOptions = parsed?.options ?? ts.getDefaultCompilerOptions();
    // Roots: the project's declaration files (ambient types) and its tagged files, plus tagged
    // files outside it as the bundler hands them over. Other files enter the program through
    // imports, so a project with a few tagged files parses what those files reach, not everything.
    const roots = new Set<string>();
    for (const file of parsed?.fileNames ?? []) {
      if (/\.d\.[cm]?ts$/.test(file)) roots.add(file);
      else if (isTagged(file)) roots.add(file);
    }
    const extended = (parsed?.options.configFile as { extendedSourceFiles?: string[] } | undefined)
      ?.extendedSourceFiles;
    const configFiles = config === NO_CONFIG ? [] : [config, ...(extended ?? [])];
    const project: Project = {
      roots,
      rootList: [...roots],
      configFiles,
      configTexts: new Map(configFiles.map((file) => [file, ts.sys.readFile(file)])),
      service: undefined as unknown as ts.LanguageService,
      closure: undefined,
      closureFile: '',
      full: undefined,
      changed: new Set(),
      closureAt: -1,
      closureMisses: new Map(),
    };
    const host: ts.LanguageServiceHost = {
      getProjectVersion: () => String(projectVersion),
      getScriptFileNames: () => project.rootList,
      getScriptVersion: (fileName) => (libFiles.has(fileName) ? '0' : String(fileState(fileName).version)),
      getScriptSnapshot(fileName) {
        const text = libFiles.get(fileName) ?? fileState(fileName).text;
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCompilationSettings: () => options,
      getCurrentDirectory: () => (config === NO_CONFIG ? ts.sys.getCurrentDirectory() : dirOf(config)),
      getDefaultLibFileName: (o) => `${libDir}/${ts.getDefaultLibFileName(o)}`,
      fileExists(fileName) {
        const state = files.get(fileName);
        return libFiles.has(fileName) || (state === undefined ? ts.sys.fileExists(fileName) : state.text !== undefined);
      },
      readFile: (fileName) => libFiles.get(fileName) ?? files.get(fileName)?.text ?? ts.sys.readFile(fileName),
      directoryExists: (dir) => dir === libDir || libDir.startsWith(`${dir}/`) || ts.sys.directoryExists(dir),
      getDirectories: (dir) => ts.sys.getDirectories(dir),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      realpath: (path) => (libFiles.has(path) ? path : (ts.sys.realpath?.(path) ?? path)),
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      // JSDoc only where it carries types (JavaScript files), as tsc does: the tags Cachet reads
      // are found in the text, and skipping the JSDoc of lib.dom.d.ts and the like saves a third
      // of the parse.
      jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo,
    };
    // Lib files by name (`lib.dom.d.ts`, or an `@typescript/lib-dom` package that replaces it),
    // found once per project: a program made without an old one (a closure program) would look
    // for every lib in every node_modules up the tree again, which was a third of making one. The
    // whole program's service keeps them from its old program the same way.
    const resolveLibrary = (ts as unknown as InternalTS).resolveLibrary;
    if (typeof resolveLibrary === 'function') {
      const libraries = new Map<string, unknown>();
      (host as InternalHost).resolveLibrary = (name, from, libOptions) => {
        const key = `${name}\n${from}`;
        let resolved = libraries.get(key);
        if (resolved === undefined) {
          resolved = resolveLibrary(name, from, libOptions, host);
          libraries.set(key, resolved);
        }
        return resolved;
      };
    }
    (project as { service: ts.LanguageService }).service = ts.createLanguageService(host, registry);
    project.closure = ts.createLanguageService(
      {
        ...host,
        getProjectVersion: () => `${projectVersion}:${project.closureFile}`,
        // The project's declaration files in the whole program's order, and the file.
        getScriptFileNames: () =>
          project.rootList.filter((file) => file === project.closureFile || /\.d\.[cm]?ts$/.test(file)),
      },
      registry,
    );
    return project;
  }

  /** The whole program of a project, up to date. */
  function fullProgram(project: Project, fileName: string): ts.Program {
    const program = project.service.getProgram();
    if (program === undefined) throw new Error(`unplugin-cachet: no program for ${fileName}`);
    project.full = { program, version: projectVersion };
    project.changed.clear();
    return program;
  }

  /**
   * The program of `fileName`'s import closure, when it types the file as the whole program would
   * now (see the top of this file); undefined when that is not certain.
   */
  function closureProgram(project: Project, fileName: string): ts.Program | undefined {
    const full = project.full;
    if (full === undefined || project.closure === undefined) return undefined;
    const globals = globalFilesOf(full.program).join('\n');
    if (project.closureMisses.get(fileName) === globals) return undefined;
    project.closureFile = fileName;
    const program = project.closure.getProgram();
    if (program === undefined || !sameEdits(ts, full.program, program, project.changed)) return undefined;
    if (globalFilesOf(program).join('\n') === globals) return program;
    project.closureMisses.set(fileName, globals);
    return undefined;
  }

  /** Whether a file of the project holds the tag; its text is kept for the program when it does. */
  function isTagged(fileName: string): boolean {
    const known = files.get(fileName);
    if (known !== undefined) return known.text?.includes('@cached') === true;
    const disk = readDisk(fileName);
    if (disk.text?.includes('@cached') !== true) return false;
    files.set(fileName, { ...disk, version: 1 });
    return true;
  }

  /** Forgets the services made from a tsconfig that changed: the next program starts again. */
  function configChanged(fileName: string): void {
    for (const [config, project] of projects) {
      if (project.configFiles.includes(fileName)) projects.delete(config);
    }
    // A tsconfig that appeared or went away may be the nearest one of other directories now.
    configOfDir.clear();
  }

  function parseConfig(config: string): ts.ParsedCommandLine {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic(diagnostic) {
          throw new Error(
            `unplugin-cachet: ${config}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
          );
        },
      },
    );
    if (parsed === undefined) throw new Error(`unplugin-cachet: cannot read ${config}`);
    return parsed;
  }

  function projectOf(fileName: string): Project {
    const config = configFor(fileName);
    let project = projects.get(config);
    if (project === undefined) {
      project = createProject(config);
      projects.set(config, project);
    }
    return project;
  }

  return {
    program(fileName, code) {
      const project = projectOf(fileName);
      setText(fileName, code, undefined);
      if (!project.roots.has(fileName)) {
        project.roots.add(fileName);
        project.rootList = [...project.roots];
        projectVersion++;
        project.full = undefined;
      }
      // Nothing changed since the whole program was made, or a second file to analyse since the
      // last edit: the whole program, brought up to date once for every file still to analyse.
      if (project.full?.version === projectVersion) return project.full.program;
      if (project.full !== undefined && project.closureAt !== projectVersion) {
        project.closureAt = projectVersion;
        const program = closureProgram(project, fileName);
        if (program !== undefined) return program;
      }
      return fullProgram(project, fileName);
    },
    version(fileName) {
      const state = fileState(fileName);
      return state.text === undefined ? '-' : String(state.version);
    },
    fileChanged(fileName) {
      if (/\.json$/.test(fileName)) configChanged(fileName);
      if (!files.has(fileName)) return false;
      const disk = readDisk(fileName);
      return setText(fileName, disk.text, disk.stat);
    },
    refresh() {
      const changed: string[] = [];
      for (const [fileName, state] of files) {
        if (state.stat === undefined) continue;
        if (statOf(fileName) !== state.stat && this.fileChanged(fileName)) changed.push(fileName);
      }
      for (const project of [...projects.values()]) {
        const stale = project.configFiles.find((file) => project.configTexts.get(file) !== ts.sys.readFile(file));
        if (stale !== undefined) configChanged(stale);
      }
      configOfDir.clear();
      return changed;
    },
    isConfig(fileName) {
      for (const project of projects.values()) if (project.configFiles.includes(fileName)) return true;
      return false;
    },
    configFiles(fileName) {
      return projectOf(fileName).configFiles;
    },
  };
}

const MISSING = '-';

/** `ts.resolveLibrary` and the host hook that calls it (TypeScript 5.x and 6.x; internal). */
interface InternalTS {
  resolveLibrary?: (name: string, from: string, options: ts.CompilerOptions, host: ts.ModuleResolutionHost) => unknown;
}
interface InternalHost extends ts.LanguageServiceHost {
  resolveLibrary?: (name: string, from: string, options: ts.CompilerOptions) => unknown;
}

/** What TypeScript keeps on a source file about the global scope (internal, stable since 2.x). */
interface ScopeFacts {
  externalModuleIndicator?: unknown;
  commonJsModuleIndicator?: unknown;
  jsGlobalAugmentations?: unknown;
  patternAmbientModules?: readonly unknown[];
  moduleAugmentations?: readonly unknown[];
  imports?: readonly ts.StringLiteralLike[];
  symbol?: { globalExports?: unknown };
}

/**
 * Whether a file adds to the global scope or to other modules, as the checker merges them when it
 * starts: a script (not a module), `declare global` and module augmentations, pattern ambient
 * modules, JavaScript global augmentations, a UMD global (`export as namespace`).
 */
function addsToGlobalScope(file: ts.SourceFile): boolean {
  const facts = file as unknown as ScopeFacts;
  return (
    (facts.externalModuleIndicator === undefined && facts.commonJsModuleIndicator === undefined) ||
    facts.jsGlobalAugmentations !== undefined ||
    (facts.patternAmbientModules?.length ?? 0) > 0 ||
    (facts.moduleAugmentations?.length ?? 0) > 0 ||
    facts.symbol?.globalExports !== undefined
  );
}

/** The modules a file imports and the files it references, as the program resolves them. */
function references(ts: TS, file: ts.SourceFile, options: ts.CompilerOptions): string[] {
  const facts = file as unknown as ScopeFacts;
  return [
    ...(facts.imports ?? []).map((name) => `import ${name.text} ${ts.getModeForUsageLocation(file, name, options)}`),
    ...file.referencedFiles.map((ref) => `path ${ref.fileName} ${ref.resolutionMode}`),
    ...file.typeReferenceDirectives.map((ref) => `types ${ref.fileName} ${ref.resolutionMode}`),
    ...file.libReferenceDirectives.map((ref) => `lib ${ref.fileName}`),
  ];
}

/**
 * Whether `closure`, a program of some of the roots of `whole` made after the files in `changed`
 * changed, can type its files as `whole` would if brought up to date. A file's types come from its
 * import closure and the global scope; so it holds when every changed file the programs hold is in
 * both, with the same imports and references (the whole program's files are then the same), and
 * adds nothing to the global scope before or after the edit; and (checked by the caller,
 * `globalFilesOf`) the files that do add to it are the same, in the same order (the checker merges
 * them in program order).
 */
function sameEdits(ts: TS, whole: ts.Program, closure: ts.Program, changed: ReadonlySet<string>): boolean {
  const options = whole.getCompilerOptions();
  for (const fileName of changed) {
    const before = whole.getSourceFile(fileName);
    const after = closure.getSourceFile(fileName);
    if (before === undefined && after === undefined) continue; // in neither program, now or before
    if (before === undefined || after === undefined) return false;
    if (addsToGlobalScope(before) || addsToGlobalScope(after)) return false;
    const a = references(ts, before, options);
    const b = references(ts, after, options);
    if (a.length !== b.length || a.some((ref, i) => ref !== b[i])) return false;
  }
  return true;
}

const globalFiles = new WeakMap<ts.Program, readonly string[]>();

/** The files of a program that add to the global scope, in its order (once per program). */
function globalFilesOf(program: ts.Program): readonly string[] {
  let names = globalFiles.get(program);
  if (names === undefined) {
    names = program
      .getSourceFiles()
      .filter(addsToGlobalScope)
      .map((file) => file.fileName);
    globalFiles.set(program, names);
  }
  return names;
}

/** Modification time and size, to notice a file changed without reading it. */
function statOf(fileName: string): string {
  try {
    const stat = statSync(fileName);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return MISSING;
  }
}

function dirOf(fileName: string): string {
  return fileName.slice(0, fileName.lastIndexOf('/'));
}
