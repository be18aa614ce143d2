// Types for lint/no-import-cycle.js, imported by the lint policy test.
import type { ESLint, Rule } from 'eslint';
export declare const noImportCycle: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
