// check.mjs SAMPLES.parquet RESULT.json
//
// Reads a samples file written by `settle run --samples` with hyparquet, a
// Parquet reader that shares no code with settle's writer, and checks it
// against the result document of the same run: one row per trial, a
// column for every output and sampled input, and each column's mean equal
// to the document's up to the order of summation.
import { readFileSync } from 'node:fs'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const [samplesPath, resultPath] = process.argv.slice(2)
const doc = JSON.parse(readFileSync(resultPath, 'utf8'))
const file = await asyncBufferFromFile(samplesPath)
const meta = await parquetMetadataAsync(file)
const rows = await parquetReadObjects({ file, compressors })
const columns = meta.schema.slice(1).map(s => s.name)
const fail = msg => { console.error(`parquet check: ${msg}`); process.exit(1) }

if (rows.length !== doc.trials) fail(`${rows.length} rows, the run had ${doc.trials} trials`)
let checked = 0
for (const section of ['outputs', 'inputs']) {
  for (const [name, v] of Object.entries(doc[section])) {
    if (!columns.includes(name)) fail(`no column ${name}`)
    const mean = rows.reduce((s, r) => s + Number(r[name]), 0) / rows.length
    const tol = 1e-9 * Math.max(1, Math.abs(v.mean))
    if (Math.abs(mean - v.mean) > tol) fail(`${name}: mean ${mean} in the file, ${v.mean} in the document`)
    checked++
  }
}
console.log(`parquet check: ${rows.length} rows, ${checked} columns agree with the result document (hyparquet)`)
