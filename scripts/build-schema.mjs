// Generates config.schema.json — the JSON Schema of a flatmin config file — from the TypeScript type
// users write (FlatminConfig in src/config/types.ts), so the schema and the types cannot drift: one
// source, with its doc comments as the descriptions editors show. The validator (src/config/) stays
// the authority on values (ranges, shapes, "did you mean"); the schema gives editors completion and
// a first check. Run by `npm run build`; the package ships the file as flatmin/config.schema.json.
import { writeFileSync } from 'node:fs';
import { createGenerator } from 'ts-json-schema-generator';

const schema = createGenerator({
  path: 'src/config/types.ts',
  tsconfig: 'tsconfig.build.json',
  type: 'FlatminConfig',
  expose: 'export',
  topRef: true,
  jsDoc: 'extended',
  additionalProperties: false,
  skipTypeCheck: true,
}).createSchema('FlatminConfig');
schema.$id = 'https://flatmin.dev/config.schema.json';
schema.title = 'flatmin run config';
writeFileSync('config.schema.json', JSON.stringify(schema, null, 2) + '\n');
