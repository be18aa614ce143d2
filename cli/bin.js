#!/usr/bin/env node
// Entry point of the `imagelake` command: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

// We run on Node 20 with a pinned AWS SDK; its notice about future SDK versions needing Node 22
// would otherwise land on stderr of every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./main.ts');
