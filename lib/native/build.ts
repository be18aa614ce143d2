// `npx tsx lib/native/build.ts`: builds the optional native addons once into the cache. Each needs
// a C compiler, Node's headers (shipped with Node in <prefix>/include/node) and its library (see
// lib/native/addons.ts). One that cannot be built is reported and skipped: setup goes on.
import { buildAddon, NATIVE_ADDONS } from './addons.js';

for (const addon of NATIVE_ADDONS) {
  await buildAddon(addon).then(
    (path) => console.log(`native ${addon.name}: ${path}`),
    (error: unknown) => console.log(`native ${addon.name}: not built: ${(error as Error).message}`),
  );
}
