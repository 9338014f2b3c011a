// The TypeScript loader of the webpack build (projects use ts-loader, esbuild-loader or
// swc-loader; this one needs nothing beyond the esbuild the repository has): types out, map kept.
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
