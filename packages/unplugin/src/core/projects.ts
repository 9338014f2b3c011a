/**
 * Types inside a bundler: one long-lived TypeScript language service per tsconfig, fed the
 * bundler's current code as versioned snapshots. After an edit, the service re-checks only what
 * changed instead of building a program per file.
 *
 * Every file has a content version: it moves only when the text differs, so reading a file again
 * after a watch event that changed nothing keeps the programs (and the plugin's cached results).
 */
import { statSync } from 'node:fs';
import type ts from 'typescript';
import type { Analyser } from './typescript.js';

export interface Projects {
  /** The program of `fileName`'s tsconfig, with `code` as the file's text. */
  program(fileName: string, code: string): ts.Program;
  /** The content version of a file as the programs see it (`-` when it does not exist). */
  version(fileName: string): string;
  /** A file changed, appeared or went away on disk: read it again. Returns whether its text changed. */
  fileChanged(fileName: string): boolean;
  /** Looks at every file read from disk again (by modification time), for builds without watch events. */
  refresh(): string[];
  /** Whether `fileName` is a tsconfig one of the services was made from, or a file it extends. */
  isConfig(fileName: string): boolean;
  /** The tsconfig `fileName` is analysed with and the files it extends (none without one). */
  configFiles(fileName: string): readonly string[];
}

interface FileState {
  text: string | undefined;
  version: number;
  /** Modification time when read from disk; undefined for code the bundler passed. */
  mtimeMs: number | undefined;
}

interface Project {
  readonly service: ts.LanguageService;
  /** The tsconfig and the files it extends. */
  readonly configFiles: readonly string[];
  readonly roots: Set<string>;
  rootList: string[];
}

const NO_CONFIG = '';

export function createProjects(props: { analyser: Analyser; tsconfig: string | undefined }): Projects {
  const { ts, libFiles, libDir } = props.analyser;
  const registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, ts.sys.getCurrentDirectory());
  const files = new Map<string, FileState>();
  const projects = new Map<string, Project>();
  const configOfDir = new Map<string, string>();
  let projectVersion = 0;

  function readDisk(fileName: string): Pick<FileState, 'text' | 'mtimeMs'> {
    try {
      const mtimeMs = statSync(fileName).mtimeMs;
      return { text: ts.sys.readFile(fileName), mtimeMs };
    } catch {
      return { text: undefined, mtimeMs: -1 };
    }
  }

  function setText(fileName: string, text: string | undefined, mtimeMs: number | undefined): boolean {
    const state = files.get(fileName);
    if (state === undefined) {
      files.set(fileName, { text, version: 1, mtimeMs });
      projectVersion++;
      return true;
    }
    state.mtimeMs = mtimeMs;
    if (state.text === text) return false;
    state.text = text;
    state.version++;
    projectVersion++;
    return true;
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
    // Roots: the files the bundler hands over (added as they come) and the project's declaration
    // files (ambient types). Other files enter the program through imports, so a 500-file project
    // with a few annotated files parses what those files reach, not everything.
    const roots = new Set((parsed?.fileNames ?? []).filter((f) => /\.d\.[cm]?ts$/.test(f)));
    const extended = (parsed?.options.configFile as { extendedSourceFiles?: string[] } | undefined)
      ?.extendedSourceFiles;
    const project: Project = {
      roots,
      rootList: [...roots],
      configFiles: config === NO_CONFIG ? [] : [config, ...(extended ?? [])],
      service: undefined as unknown as ts.LanguageService,
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
    };
    (project as { service: ts.LanguageService }).service = ts.createLanguageService(host, registry);
    return project;
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
      }
      const program = project.service.getProgram();
      if (program === undefined) throw new Error(`unplugin-cachet: no program for ${fileName}`);
      return program;
    },
    version(fileName) {
      const state = fileState(fileName);
      return state.text === undefined ? '-' : String(state.version);
    },
    fileChanged(fileName) {
      if (!files.has(fileName)) return false;
      const disk = readDisk(fileName);
      return setText(fileName, disk.text, disk.mtimeMs);
    },
    refresh() {
      const changed: string[] = [];
      for (const [fileName, state] of files) {
        if (state.mtimeMs === undefined) continue;
        if (mtimeOf(fileName) !== state.mtimeMs && this.fileChanged(fileName)) changed.push(fileName);
      }
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

function mtimeOf(fileName: string): number {
  try {
    return statSync(fileName).mtimeMs;
  } catch {
    return -1;
  }
}

function dirOf(fileName: string): string {
  return fileName.slice(0, fileName.lastIndexOf('/'));
}
