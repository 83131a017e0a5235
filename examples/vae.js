// The variational autoencoder's losses: the KL term reads the encoder's outputs, which a Keras loss
// cannot receive as arguments, from state kept next to the model.
import * as tf from '@tensorflow/tfjs';

const ORIGINAL_DIM = 784;
export const encoderOutputs = { zMean: null, zLogVar: null };

export function reconstructionLoss(yTrue, yPred) {
  return tf.losses.meanSquaredError(yTrue, yPred).mul(ORIGINAL_DIM);
}

export function klLoss(yTrue, yPred) {
  const { zMean, zLogVar } = encoderOutputs;
  const kl = zLogVar.add(1).sub(zMean.square()).sub(zLogVar.exp());
  return kl.sum(-1).mul(-0.5).mean();
}

export function vaeLoss(yTrue, yPred) {
  return tf.tidy(() => reconstructionLoss(yTrue, yPred).add(klLoss(yTrue, yPred)));
}
