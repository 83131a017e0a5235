// Where the files Loss Lab ships live: TypeScript's lib .d.ts files and tfjs's type declarations.
// The build copies them next to the bundle (dist/typescript-lib, dist/tfjs-types/node_modules);
// when running from sources they are read from the project's node_modules.
import * as fs from 'fs';
import * as path from 'path';

export interface AssetPaths {
  /** Folder of lib.es2020.d.ts and friends. */
  typescriptLib: string;
  /** A folder whose node_modules/@tensorflow holds tfjs's declarations. */
  tfjsTypesRoot: string;
}

let cached: AssetPaths | undefined;

export function assetPaths(): AssetPaths {
  if (cached) return cached;
  const bundledLib = path.join(__dirname, 'typescript-lib');
  const bundledTypes = path.join(__dirname, 'tfjs-types');
  if (fs.existsSync(bundledLib) && fs.existsSync(bundledTypes)) {
    cached = { typescriptLib: bundledLib, tfjsTypesRoot: bundledTypes };
  } else {
    const tfjsPackage = require.resolve('@tensorflow/tfjs/package.json');
    cached = {
      typescriptLib: path.dirname(require.resolve('typescript/lib/lib.d.ts')),
      // …/node_modules/@tensorflow/tfjs/package.json → the folder that holds node_modules
      tfjsTypesRoot: path.resolve(path.dirname(tfjsPackage), '..', '..', '..'),
    };
  }
  return cached;
}
