import { importIdx } from '../data'
import { defaultDatasetCacheDir } from '../paths'
import { CliError, parseCommand } from './args'

export const IMPORT_IDX_HELP = `import-idx --name NAME --train-images F --train-labels F [--test-images F --test-labels F]
  Imports a dataset in IDX format (the official MNIST / Fashion-MNIST files,
  raw or .gz) into the dataset cache; sweeps and \`train --dataset NAME\` can
  then use it. Without a test pair, 20% is held out (stratified).`

export async function importIdxCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    name: { type: 'string' },
    'train-images': { type: 'string' },
    'train-labels': { type: 'string' },
    'test-images': { type: 'string' },
    'test-labels': { type: 'string' }
  })
  const missing = ['name', 'train-images', 'train-labels'].filter((k) => values[k as keyof typeof values] === undefined)
  if (missing.length) throw new CliError(`import-idx needs ${missing.map((m) => `--${m}`).join(', ')}`)
  if ((values['test-images'] === undefined) !== (values['test-labels'] === undefined)) {
    throw new CliError('give both --test-images and --test-labels, or neither')
  }
  const ds = await importIdx({
    name: values.name!,
    trainImages: values['train-images']!,
    trainLabels: values['train-labels']!,
    testImages: values['test-images'],
    testLabels: values['test-labels'],
    cacheDir: defaultDatasetCacheDir()
  })
  console.log(
    `dataset '${ds.name}': ${ds.train.count} training and ${ds.test.count} test images (${ds.info.split === 'given' ? 'test files given' : 'stratified 80/20 split'}; ${ds.info.duplicatesRemoved} duplicates removed), hash ${ds.hash.slice(0, 12)}`
  )
  return 0
}
