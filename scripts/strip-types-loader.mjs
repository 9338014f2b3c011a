// A minimal TypeScript loader for webpack, used by the playground's webpack build and the bundler
// tests (projects use ts-loader, esbuild-loader or swc-loader): esbuild strips the types, the map chains.
import { transform } from 'esbuild';

export default function stripTypes(code, inputMap) {
  const done = this.async();
  const map = inputMap == null ? undefined : typeof inputMap === 'string' ? inputMap : JSON.stringify(inputMap);
  const source =
    map === undefined
      ? code
      : `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`;
  transform(source, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: this.resourcePath }).then(
    (result) => done(null, result.code, JSON.parse(result.map)),
    (error) => done(error),
  );
}
