// Types for eslint.config.js, imported by the lint policy test.
export declare const workflowImportRule: ['error', Record<string, unknown>];
declare const config: unknown;
export default config;
