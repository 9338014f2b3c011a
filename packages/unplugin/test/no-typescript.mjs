// Preload for the TypeScript 7 test: any attempt to load the `typescript` package fails, as it
// would for a project whose only TypeScript is the native compiler (no JS API).
import Module, { register } from 'node:module';

const blocked = (request) => request === 'typescript' || request.startsWith('typescript/');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked(request)) throw new Error(`no JS TypeScript here: ${request}`);
  return resolveFilename.call(this, request, ...rest);
};
const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' || specifier.startsWith('typescript/')) throw new Error('no JS TypeScript here: ' + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
