import { reflectKey } from './dist/key/reflect.js';
for (const N of [25000, 50000, 100000]) {
let array = [];
for (let i = 0; i < N; i++) { array = [array]; }
const t = performance.now(); reflectKey(array); console.log(N, (performance.now() - t).toFixed(0), 'ms');
}
