/**
 * k6-style thresholds: per figure, a list of `aggregation operator value`
 * expressions, e.g. `p(95)<500`, `max<=2000`, `count==0`, `value<0.01`.
 * A key is a registered figure (metrics/registry.ts), optionally narrowed by
 * tags as in k6: `propagationMs{browser:firefox}` applies only to the tests of
 * the firefox project. Keys and expressions are parsed by zod before the run:
 * an unknown figure fails with the closest registered name, and a threshold
 * that can never fail (on a figure that only describes the run) is refused.
 *
 * @module profiles/thresholds
 */
import { z } from 'zod'
import { figureSpec, unknownFigureMessage } from '../metrics/registry.ts'
import type { ThresholdResult } from '../metrics/test-metrics.ts'

const expressionPattern = /^\s*(p\((\d+(?:\.\d+)?)\)|max|min|count|value|rate)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/

export const thresholdExpressionSchema = z.string().transform((text, ctx) => {
  const match = expressionPattern.exec(text)
  if (match === null) {
    ctx.addIssue({ code: 'custom', message: `threshold "${text}" is not of the form "p(95)<500", "max<=2000", "count>=100" (distributions) or "value==0", "rate>0.99" (single values)` })
    return z.NEVER
  }
  const percentile = match[2] === undefined ? undefined : Number(match[2])
  if (percentile !== undefined && (percentile <= 0 || percentile > 100)) {
    ctx.addIssue({ code: 'custom', message: `threshold "${text}" asks for percentile ${percentile}: use a percentile in (0, 100]` })
    return z.NEVER
  }
  return {
    source: text.trim(),
    aggregation: (percentile === undefined ? match[1] : 'percentile') as 'percentile' | 'max' | 'min' | 'count' | 'value' | 'rate',
    percentile,
    operator: match[3] as '<' | '<=' | '>' | '>=' | '==' | '!=',
    limit: Number(match[4])
  }
})
export type ThresholdExpression = z.output<typeof thresholdExpressionSchema>

/** Tags a threshold key may filter on, and what each is matched against. */
export const thresholdTags = ['browser', 'client'] as const
export type ThresholdTag = (typeof thresholdTags)[number]

export interface ThresholdKey {
  figure: string
  tags: Partial<Record<ThresholdTag, string>>
}

const keyPattern = /^([^{}\s]+)(?:\{([^{}]*)\})?$/

/**
 * @param {string} key `figure` or `figure{tag:value,…}`
 * @return {ThresholdKey | string} the parsed key, or one sentence saying what is wrong
 */
export const parseThresholdKey = (key: string): ThresholdKey | string => {
  const match = keyPattern.exec(key.trim())
  if (match === null) return `threshold key "${key}" is not of the form "propagationMs" or "propagationMs{browser:firefox}"`
  const tags: ThresholdKey['tags'] = {}
  for (const pair of match[2] === undefined ? [] : match[2].split(',')) {
    const [tag, value] = pair.split(':').map(s => s.trim())
    if (!thresholdTags.includes(tag as ThresholdTag) || value === undefined || value === '') {
      return `threshold key "${key}" has the tag filter "${pair}": use ${thresholdTags.map(t => `${t}:<name>`).join(' or ')}`
    }
    tags[tag as ThresholdTag] = value
  }
  return { figure: match[1]!, tags }
}

const distributionAggregations = new Set(['percentile', 'max', 'min', 'count'])

/** Why these expressions on this figure cannot be judged, or undefined when they can. */
const unjudgeable = (figure: string, expressions: ThresholdExpression[]): string | undefined => {
  const spec = figureSpec(figure)
  if (spec === undefined) return unknownFigureMessage(figure)
  if (spec.role === 'run') return `${figure} only describes the run (${spec.description}), so a threshold on it cannot fail; put the threshold on a figure of the stack`
  if (spec.role === 'generator') return `${figure} measures the generator, not the stack; bound it with the profile's \`generator\` rule instead`
  for (const expression of expressions) {
    if (spec.shape === 'histogram' && !distributionAggregations.has(expression.aggregation)) return `${figure} is a distribution: write "${expression.source}" as p(N), max, min or count, e.g. "p(95)${expression.operator}${expression.limit}"`
    if (spec.shape === 'value' && distributionAggregations.has(expression.aggregation)) return `${figure} is a single value, not a distribution: write "${expression.source}" as "value${expression.operator}${expression.limit}"`
  }
  return undefined
}

/** Figure key -> expressions. Keys are registered figure names, optionally with tag filters. */
export const thresholdsSchema = z.record(z.string(), z.array(thresholdExpressionSchema)).superRefine((thresholds, ctx) => {
  for (const key of Object.keys(thresholds)) {
    const parsed = parseThresholdKey(key)
    const problem = typeof parsed === 'string' ? parsed : unjudgeable(parsed.figure, thresholds[key]!)
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: problem })
  }
})
export type Thresholds = z.output<typeof thresholdsSchema>
export type ThresholdsInput = z.input<typeof thresholdsSchema>

/** What a figure offers to thresholds: a distribution or a single number (Infinity: never). */
export type FigureValue = { percentile: (p: number) => number, max: number, min: number, count: number } | number

/**
 * @param {FigureValue} measured
 * @param {ThresholdExpression} expression
 * @return {number} the aggregation the expression asks for
 */
export const aggregate = (measured: FigureValue, expression: ThresholdExpression): number => {
  if (typeof measured === 'number') return measured
  switch (expression.aggregation) {
    case 'max': return measured.max
    case 'min': return measured.min
    case 'count': return measured.count
    default: return measured.percentile(expression.percentile ?? 50)
  }
}

/** @return {boolean} whether `value operator limit` holds */
export const holds = (value: number, { operator, limit }: ThresholdExpression): boolean => {
  switch (operator) {
    case '<': return value < limit
    case '<=': return value <= limit
    case '>': return value > limit
    case '>=': return value >= limit
    case '==': return value === limit
    case '!=': return value !== limit
  }
}

/** What a test recorded, as thresholds see it. */
export interface Recorded {
  /** Single values by figure (Infinity: never). */
  values: ReadonlyMap<string, number>
  /** Distributions by figure. */
  distributions: ReadonlyMap<string, Exclude<FigureValue, number>>
  /** Figure -> why it is not measurable (a capability the stack lacks). */
  notMeasurable: ReadonlyMap<string, string>
  /** Figure -> why the scenario could not record it (e.g. too few samples for a verdict). */
  unrecorded: ReadonlyMap<string, string>
}

/**
 * Pure: every threshold that applies to this test (its tag filters match
 * `tags`), evaluated against what it recorded. A figure that is not
 * measurable gives `notMeasurable`; one the scenario did not record, or
 * recorded without a single sample, gives `error`: never a pass.
 * @param {Thresholds} thresholds
 * @param {Recorded} recorded
 * @param {Record<ThresholdTag, string>} tags this test's browser (project) and client
 * @param {string} scenario for the error message
 * @return {ThresholdResult[]} one per expression, in profile order
 */
export const evaluateThresholds = (thresholds: Thresholds, recorded: Recorded, tags: Record<ThresholdTag, string>, scenario: string): ThresholdResult[] =>
  Object.entries(thresholds).flatMap(([key, expressions]): ThresholdResult[] => {
    const parsed = parseThresholdKey(key)
    if (typeof parsed === 'string') return expressions.map(e => ({ figure: key, limit: e.source, value: null, ok: false, error: parsed }))
    if (!Object.entries(parsed.tags).every(([tag, value]) => tags[tag as ThresholdTag] === value)) return []
    const { figure } = parsed
    const notMeasurable = recorded.notMeasurable.get(figure)
    if (notMeasurable !== undefined) return expressions.map(e => ({ figure: key, limit: e.source, value: null, ok: false, notMeasurable }))
    const distribution = recorded.distributions.get(figure)
    const measured: FigureValue | undefined = distribution?.count === 0 ? undefined : distribution ?? recorded.values.get(figure)
    const why = recorded.unrecorded.get(figure)
    const error = distribution?.count === 0 ? `scenario ${scenario} recorded no samples of ${figure}` : `scenario ${scenario} did not record ${figure}${why === undefined ? '' : `: ${why}`}`
    return expressions.map((e): ThresholdResult => {
      if (measured === undefined) return { figure: key, limit: e.source, value: null, ok: false, error }
      const value = aggregate(measured, e)
      return { figure: key, limit: e.source, value, ok: holds(value, e) }
    })
  })
