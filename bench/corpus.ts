// The benchmark's project of 30 loss files: the templates, each under three names, with a bug in
// every third file (a comparison where a differentiable op belongs, an unclipped log), and one
// tsconfig. Written under .cache/ inside the project, so that `tsc -p` and Loss Lab both resolve
// the project's own tfjs from its node_modules.
import * as fs from 'fs';
import * as path from 'path';
import { TEMPLATES } from '../src/core/templates';

export const CORPUS_FILES = 30;

const TSCONFIG = {
  compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: [] },
  include: ['*.ts'],
};

/** The corpus's folder, written afresh; its files are `loss-NN.ts`. */
export function writeCorpus(root = path.resolve(__dirname, '..', '.cache', 'bench', 'corpus')): { dir: string; files: string[] } {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const files: string[] = [];
  for (let i = 0; i < CORPUS_FILES; i++) {
    const template = TEMPLATES[i % TEMPLATES.length];
    if (!template) throw new Error('no loss templates');
    const suffix = String(i).padStart(2, '0');
    // Each file's own names, so that the 30 files are 30 different modules of the same shape.
    let text = template.body.replace(/export function (\w+)/g, (_m, name: string) => `export function ${name}${suffix}`);
    if (i % 3 === 0) text += buggyLoss(suffix);
    const file = path.join(root, `loss-${suffix}.ts`);
    fs.writeFileSync(file, text);
    files.push(file);
  }
  return { dir: root, files };
}

function buggyLoss(suffix: string): string {
  return `
/** A Huber loss written with a comparison (LL204) and an unclipped log (LL205). */
export function brokenHuber${suffix}(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const error = tf.abs(tf.sub(yTrue, yPred));
  const small = tf.lessEqual(error, 1);
  const loss = tf.where(small, tf.mul(0.5, tf.square(error)), tf.sub(error, 0.5));
  return tf.add(tf.mean(loss), tf.mean(tf.log(yPred)));
}
`;
}
