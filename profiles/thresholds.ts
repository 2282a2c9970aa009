/**
 * k6-style thresholds: per figure, a list of `aggregation operator value`
 * expressions, e.g. `p(95)<500`, `max<=2000`, `count==0`, `rate>0.99`.
 * Expressions are parsed by zod before the run; a bad one fails the profile.
 *
 * @module profiles/thresholds
 */
import { z } from 'zod'

const expressionPattern = /^\s*(p\((\d+(?:\.\d+)?)\)|max|min|count|rate|value)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/

export const thresholdExpressionSchema = z.string().transform((text, ctx) => {
  const match = expressionPattern.exec(text)
  if (match === null) {
    ctx.addIssue({ code: 'custom', message: `threshold "${text}" is not of the form "p(95)<500", "max<=2000", "count==0" or "rate>0.99"` })
    return z.NEVER
  }
  const percentile = match[2] === undefined ? undefined : Number(match[2])
  if (percentile !== undefined && (percentile <= 0 || percentile > 100)) {
    ctx.addIssue({ code: 'custom', message: `threshold "${text}" asks for percentile ${percentile}: use a percentile in (0, 100]` })
    return z.NEVER
  }
  return {
    source: text.trim(),
    aggregation: (percentile === undefined ? match[1] : 'percentile') as 'percentile' | 'max' | 'min' | 'count' | 'rate' | 'value',
    percentile,
    operator: match[3] as '<' | '<=' | '>' | '>=' | '==' | '!=',
    limit: Number(match[4])
  }
})
export type ThresholdExpression = z.output<typeof thresholdExpressionSchema>

/** Figure name -> expressions. Figure names are those of summary.json (`propagationMs`, `lostOps`...). */
export const thresholdsSchema = z.record(z.string(), z.array(thresholdExpressionSchema))
export type Thresholds = z.output<typeof thresholdsSchema>

/** What a figure offers to thresholds: a distribution or a single number. */
export type FigureValue = { percentile: (p: number) => number, max: number, min: number, count: number } | number

export interface ThresholdResult {
  figure: string
  limit: string
  value: number | null
  ok: boolean
  /** Set when the figure could not be measured: the threshold is neither passed nor failed. */
  notMeasurable?: string
}

const compare = (value: number, operator: ThresholdExpression['operator'], limit: number): boolean => {
  switch (operator) {
    case '<': return value < limit
    case '<=': return value <= limit
    case '>': return value > limit
    case '>=': return value >= limit
    case '==': return value === limit
    case '!=': return value !== limit
  }
}

/**
 * Evaluates every threshold against the figures.
 * @param {Thresholds} thresholds
 * @param {Record<string, FigureValue | {notMeasurable: string}>} figures
 */
export const evaluateThresholds = (thresholds: Thresholds, figures: Record<string, FigureValue | { notMeasurable: string } | undefined>): ThresholdResult[] =>
  Object.entries(thresholds).flatMap(([figure, expressions]) => expressions.map(expression => {
    const limit = expression.source
    const measured = figures[figure]
    if (measured === undefined) return { figure, limit, value: null, ok: false, notMeasurable: `no figure named ${figure} was measured` }
    if (typeof measured === 'object' && 'notMeasurable' in measured) return { figure, limit, value: null, ok: false, notMeasurable: measured.notMeasurable }
    let value: number
    if (typeof measured === 'number') {
      value = measured
    } else if (measured.count === 0) {
      return { figure, limit, value: null, ok: false, notMeasurable: `${figure} has no samples` }
    } else {
      value = expression.aggregation === 'percentile' ? measured.percentile(expression.percentile ?? 50)
        : expression.aggregation === 'max' ? measured.max
          : expression.aggregation === 'min' ? measured.min
            : expression.aggregation === 'count' ? measured.count
              : measured.percentile(50)
    }
    return { figure, limit, value, ok: compare(value, expression.operator, expression.limit) }
  }))
