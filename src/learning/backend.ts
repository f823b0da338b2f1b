import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them in the
// shared global registry (its ESM-only 'register_all_gradients' file cannot be imported by Node).
import '@tensorflow/tfjs-layers';
// Importing the package registers the 'wasm' backend with tfjs-core.
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export type TensorFlow = typeof tf;

let ready: Promise<TensorFlow> | undefined;

/**
 * TensorFlow.js on the wasm backend, initialised once, lazily. One thread: in Node the wasm
 * backend has no thread pool anyway, and a single thread keeps float results reproducible.
 */
export function tensorflow(): Promise<TensorFlow> {
  ready ??= (async () => {
    setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}
