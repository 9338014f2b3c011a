/**
 * Writes the options tables of the docs from the option declarations (`npm run docs:options`):
 * names, front ends and defaults from the built declarations, the doc text from their JSDoc.
 * Each table sits between `<!-- options:<table> -->` and `<!-- /options:<table> -->` in a doc.
 * With `--check`, writes nothing and exits 1 naming the docs that are out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOptions } from '@cachet/compiler/build-options';
import { configureOptions, defaultsOptions, FRONT_ENDS, functionOptions } from '@cachet/runtime/options';
import ts from 'typescript';

const root = new URL('../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

/** The declarations, where their JSDoc is, and the name of the exported constant. */
const DECLARATIONS = [
  { name: 'functionOptions', value: functionOptions, source: 'packages/runtime/src/options/function-options.ts' },
  { name: 'defaultsOptions', value: defaultsOptions, source: 'packages/runtime/src/options/function-options.ts' },
  { name: 'configureOptions', value: configureOptions, source: 'packages/runtime/src/options/configure-options.ts' },
  { name: 'buildOptions', value: buildOptions, source: 'packages/compiler/src/build-options.ts' },
];

/** Each table: the front end it lists, the declarations it reads, and the docs that hold it. */
const TABLES = [
  { table: 'tag', frontEnd: 'tag', schema: functionOptions, docs: ['README.md', 'docs/options.md'] },
  { table: 'cached', frontEnd: 'cached', schema: functionOptions, docs: ['README.md', 'docs/options.md'] },
  { table: 'configure', frontEnd: 'configure', schema: configureOptions, docs: ['README.md', 'docs/options.md'] },
  { table: 'plugin', frontEnd: 'plugin', schema: buildOptions, docs: ['docs/bundlers.md', 'docs/options.md'] },
  {
    table: 'tsconfig',
    frontEnd: 'tsconfig',
    schema: buildOptions,
    docs: ['packages/compiler/README.md', 'docs/options.md'],
  },
  {
    table: 'register',
    frontEnd: 'register',
    schema: buildOptions,
    docs: ['packages/register/README.md', 'docs/options.md'],
    // The variables `node --import @cachet/register` reads the options from (`env`).
    env: true,
  },
  { table: 'front-ends', docs: ['docs/options.md'] },
];

/** JSDoc of every declared option, by the declaration object (shared ones, like `defaults`, once). */
function readDocs() {
  const docs = new Map();
  for (const { name, value, source } of DECLARATIONS) {
    const file = ts.createSourceFile(source, read(source), ts.ScriptTarget.ES2022, true);
    const declaration = file.statements
      .filter(ts.isVariableStatement)
      .flatMap((statement) => statement.declarationList.declarations)
      .find((d) => d.name.getText(file) === name);
    if (declaration === undefined) throw new Error(`${source} does not declare ${name}`);
    collect(file, objectOf(declaration.initializer), value, docs);
  }
  return docs;
}

function objectOf(node) {
  while (node !== undefined && (ts.isAsExpression(node) || ts.isParenthesizedExpression(node))) node = node.expression;
  return node !== undefined && ts.isObjectLiteralExpression(node) ? node : undefined;
}

function collect(file, literal, value, docs) {
  if (literal === undefined) return;
  for (const property of literal.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const spec = value[property.name.getText(file)];
    const jsDoc = property.jsDoc?.at(-1);
    const text = ts.getTextOfJSDocComment(jsDoc?.comment) ?? '';
    const tag = jsDoc?.tags?.find((t) => t.tagName.text === 'default');
    docs.set(spec, {
      text: oneLine(text),
      defaultText: tag === undefined ? undefined : oneLine(ts.getTextOfJSDocComment(tag.comment) ?? ''),
    });
    const fields = objectOf(property.initializer)?.properties.find((p) => p.name?.getText(file) === 'fields');
    if (fields !== undefined && ts.isPropertyAssignment(fields))
      collect(file, objectOf(fields.initializer), spec.fields, docs);
  }
}

const oneLine = (text) => text.replace(/\s+/g, ' ').trim();
const cell = (text) => text.replace(/\|/g, '\\|');

/** The default as the docs show it; refuses a default declared twice (a value and a `@default`). */
function defaultOf(path, spec, doc) {
  if (spec.default !== undefined && doc?.defaultText !== undefined)
    throw new Error(`${path}: a default value and a @default tag; keep one`);
  if (spec.default === undefined) return doc?.defaultText ?? (spec.kind === 'object' ? '' : 'none');
  if (typeof spec.default === 'number') {
    const mib = spec.default / 1024 / 1024;
    return `\`${spec.default}\`${Number.isInteger(mib) && mib >= 1 ? ` (${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`})` : ''}`;
  }
  if (typeof spec.default === 'string' && spec.kind !== 'duration') return `\`'${spec.default}'\``;
  return `\`${spec.default}\``;
}

/** Rows of the options `frontEnd` takes, nested ones as `parent.name`; with `env`, a column of variables. */
function rows(schema, frontEnd, docs, env, prefix = '') {
  const out = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (!spec.frontEnds.includes(frontEnd)) continue;
    const path = `${prefix}${name}`;
    const doc = docs.get(spec);
    if (doc === undefined || doc.text === '') throw new Error(`${path}: no JSDoc to document it with`);
    const variable = env ? ` ${spec.env === undefined ? '' : `\`${spec.env}\``} |` : '';
    out.push(`| \`${path}\` | ${cell(doc.text)} | ${cell(defaultOf(path, spec, doc))} |${variable}`);
    if (spec.fields !== undefined) out.push(...rows(spec.fields, frontEnd, docs, env, `${path}.`));
  }
  return out;
}

/** Which front end takes which option name. */
function frontEndTable() {
  const names = new Map();
  const add = (schema, prefix = '') => {
    for (const [name, spec] of Object.entries(schema)) {
      const path = `${prefix}${name}`;
      const set = names.get(path) ?? new Set();
      for (const frontEnd of spec.frontEnds) set.add(frontEnd);
      names.set(path, set);
      if (spec.fields !== undefined) add(spec.fields, `${path}.`);
    }
  };
  add(functionOptions);
  add(configureOptions);
  add(buildOptions);
  const ends = Object.keys(FRONT_ENDS);
  return [
    `| option | ${ends.map((end) => FRONT_ENDS[end]).join(' | ')} |`,
    `| --- | ${ends.map(() => ':---:').join(' | ')} |`,
    ...[...names].map(([path, set]) => `| \`${path}\` | ${ends.map((end) => (set.has(end) ? '✓' : '')).join(' | ')} |`),
  ].join('\n');
}

function render(table, docs) {
  if (table.table === 'front-ends') return frontEndTable();
  const env = table.env === true;
  return [
    `| option | meaning | default |${env ? ' `node --import` variable |' : ''}`,
    `| --- | --- | --- |${env ? ' --- |' : ''}`,
    ...rows(table.schema, table.frontEnd, docs, env),
  ].join('\n');
}

/** The docs with every table written; which of them changed. */
export function generate() {
  const docs = readDocs();
  const files = new Map();
  for (const table of TABLES) {
    const body = render(table, docs);
    for (const path of table.docs) {
      const text = files.get(path) ?? read(path);
      const open = `<!-- options:${table.table} -->`;
      const close = `<!-- /options:${table.table} -->`;
      const start = text.indexOf(open);
      const end = text.indexOf(close);
      if (start === -1 || end < start) throw new Error(`${path} has no ${open} … ${close} region`);
      files.set(path, `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`);
    }
  }
  return [...files].filter(([path, text]) => text !== read(path));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const changed = generate();
  if (process.argv.includes('--check')) {
    if (changed.length > 0) {
      console.error(
        `options tables out of date in ${changed.map(([path]) => path).join(', ')}: run npm run docs:options`,
      );
      process.exit(1);
    }
  } else {
    for (const [path, text] of changed) writeFileSync(new URL(path, root), text);
    console.log(
      changed.length === 0 ? 'options tables up to date' : `wrote ${changed.map(([path]) => path).join(', ')}`,
    );
  }
}
