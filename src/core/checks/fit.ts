// fit: one short model.fit of a tiny model compiled with the loss runs and yields a finite loss.
// This is where a missing gradient or an unsupported shape really bites.
import * as tf from '@tensorflow/tfjs';
import type { CheckResult, Task } from '../report';
import { formatNumber, missingGradientKernel, result, type CheckContext } from './context';

const EPOCHS = 2;

/** The smallest model whose output has the shape of the task's predictions; its weights drawn from `seed`. */
function tinyModel(task: Task, features: number[], seed: number): tf.LayersModel {
  const model = tf.sequential();
  const kernelInitializer = tf.initializers.glorotUniform({ seed });
  if (task === 'segmentation') {
    model.add(tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer }));
    return model;
  }
  const units = features[features.length - 1] ?? 1;
  const activation = task === 'regression' ? 'linear' : task === 'binary' ? 'sigmoid' : 'softmax';
  model.add(tf.layers.dense({ inputShape: [3], units, activation, kernelInitializer }));
  return model;
}

export async function checkFit(ctx: CheckContext, seed: number): Promise<Omit<CheckResult, 'ms'>> {
  const batch = ctx.batch;
  const predShape = ctx.typical.yPred.shape.slice(1);
  const x = ctx.task === 'segmentation' ? tf.randomUniform([batch, 16, 16, 1], 0, 1, 'float32', seed) : tf.randomNormal([batch, 3], 0, 1, 'float32', seed);
  const model = tinyModel(ctx.task, predShape, seed);
  const optimizer = tf.train.sgd(0.01);
  try {
    model.compile({ optimizer, loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => ctx.loss(yTrue, yPred) as tf.Tensor });
    const history = await model.fit(x, ctx.typical.yTrue, { epochs: EPOCHS, batchSize: batch, verbose: 0, shuffle: false });
    const losses = (history.history.loss ?? []).map(Number);
    const last = losses[losses.length - 1];
    if (last === undefined || !losses.every(Number.isFinite)) {
      return result('fit', 'fail', `model.fit ran but its loss is ${losses.map(formatNumber).join(', ')}: not finite, so the weights are ruined`);
    }
    return result('fit', 'pass', `model.fit of a tiny model ran ${EPOCHS} epochs, loss ${losses.map(formatNumber).join(' → ')}`, last);
  } catch (error) {
    const kernel = missingGradientKernel(error);
    const message = kernel ? `model.fit throws: the kernel ${kernel} has no gradient in tfjs` : `model.fit throws: ${(error as Error).message}`;
    // The loss is not at fault: tfjs's fit path refuses the targets (a warning to act on, not a wrong loss).
    if (ctx.task === 'sparse' && !kernel && /target expected/i.test(message)) {
      return result(
        'fit',
        'warn',
        `${message.replace(/\.?$/, '.')} tfjs's model.fit checks the targets against the model's output shape and rejects [N, 1] integer labels for a custom loss (only its built-in 'sparseCategoricalCrossentropy' is exempt): ` +
          'feed one-hot labels instead (tf.oneHot(tf.cast(labels, "int32"), classes)) and write the loss for them (@lossTask categorical), or compile with loss: \'sparseCategoricalCrossentropy\'.',
      );
    }
    return result('fit', 'fail', message);
  } finally {
    model.dispose();
    optimizer.dispose();
    x.dispose();
  }
}
