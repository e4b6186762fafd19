export {
  collapseTable,
  collapseTableOfGroups,
  runCollapseTable,
  poolRows,
  POOLED_LABEL,
  DEFAULT_COLLAPSE_THRESHOLD,
  type CollapseInput,
  type CollapseOptions
} from './collapse'
export { isCollapsed } from './threshold'
export { wilsonInterval, Z_95, type Interval } from './wilson'
export { finalAlphaHistograms, binEdges, binIndex, type HistogramOptions } from './histograms'
export { finalAlphaVsLambda, initialVsFinal } from './points'
export { meanTrajectories } from './trajectories'
export { lambdaKey, groupByDatasetLambda, groupKey, type Group } from './groups'
export { countOnce } from './once'
export { fitLogit, clusterCovariance, separatedOneCovariate, type LogitFit, type LogitOptions } from './logit'
export { chiSquareSf } from './special'
export { doseResponse, startFit, observations, sameCurveTest, lambda50, fitDose, type Observation, type DoseInput, type DoseOptions } from './dose-response'
export {
  durations,
  kaplanMeier,
  survivalCurve,
  survivalQuantile,
  survivalQuantileCi,
  survivalInterval,
  logRank,
  logRankTest,
  type Duration,
  type KaplanMeier
} from './survival'
