export { openIdxPair, type IdxPair } from './idx-pair.js';
export { findFashionMnist, FASHION_MNIST_DEFAULT_DIR, type FashionMnistFiles } from './fashion-mnist.js';
