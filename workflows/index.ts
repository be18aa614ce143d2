// Every workflow the worker registers; one workflow per file.
export { SmokeWorkflow } from './smoke.js';
export { IngestWorkflow, type IngestInput } from './ingest.js';
