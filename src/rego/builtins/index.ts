// The built-in function table: every family's functions under their OPA names.

import { collectionBuiltins } from './collections';
import { encodingBuiltins } from './encoding';
import { globsBuiltins } from './globs';
import { miscBuiltins } from './misc';
import { netBuiltins } from './net';
import { numberBuiltins } from './numbers';
import { regexBuiltins } from './regex';
import { stringBuiltins } from './strings';
import { timeBuiltins } from './time';
import type { BuiltinTable } from './types';
import { unitBuiltins } from './units';

export const BUILTINS: BuiltinTable = {
  ...numberBuiltins,
  ...collectionBuiltins,
  ...stringBuiltins,
  ...regexBuiltins,
  ...encodingBuiltins,
  ...timeBuiltins,
  ...unitBuiltins,
  ...netBuiltins,
  ...miscBuiltins,
  ...globsBuiltins,
};
