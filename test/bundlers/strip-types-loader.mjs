// A minimal TypeScript loader for the webpack tests (users have ts-loader, esbuild-loader or
// swc-loader): strips types with esbuild and chains the incoming source map.
import { transform } from 'esbuild';

export default function stripTypes(code, inputMap) {
  const callback = this.async();
  const map = typeof inputMap === 'string' ? inputMap : inputMap == null ? undefined : JSON.stringify(inputMap);
  const input =
    map === undefined
      ? code
      : `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`;
  transform(input, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: this.resourcePath }).then(
    (out) => callback(null, out.code, JSON.parse(out.map)),
    (error) => callback(error),
  );
}
