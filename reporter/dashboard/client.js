// The dashboard's only script: routes the hash to a view (#/ the summary,
// #/scenario/<slug> a scenario) and draws the charts of a view, described in
// #dashboard-data, with uPlot (inlined before it) the first time it is shown:
// hidden charts cost nothing and would have no width. No network, no state
// beyond the page. window.dashboardRenderedMs: when the first view was drawn.
(function () {
  'use strict'
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939']
  var data = JSON.parse(document.getElementById('dashboard-data').textContent)

  function fmtBytes (v) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    var a = Math.abs(v)
    var i = 0
    while (a >= 1024 && i < units.length - 1) { a /= 1024; i++ }
    return (v < 0 ? '-' : '') + (i === 0 ? a : a.toFixed(1)) + ' ' + units[i]
  }
  function fmtY (unit, v) {
    if (v == null) return '—'
    if (unit === 'bytes') return fmtBytes(v)
    var s = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? (+v.toFixed(2)).toString() : (+v.toPrecision(3)).toString()
    return unit === 'ms' ? s + ' ms' : s
  }
  function percentileOf (nines) {
    var p = 100 * (1 - Math.pow(10, -nines))
    return (+p.toFixed(6)) + '%'
  }

  function options (spec, width) {
    var xAxis = { label: spec.x === 'nines' ? 'percentile' : spec.x === 'seconds' ? 'seconds since start' : 'run start' }
    var xScale = { time: spec.x === 'time' }
    if (spec.x === 'nines') {
      xAxis.splits = function (u) {
        var out = []
        for (var i = 0; i <= Math.floor(u.scales.x.max + 1e-9); i++) out.push(i)
        return out
      }
      xAxis.values = function (u, splits) { return splits.map(percentileOf) }
    } else if (spec.x === 'seconds') {
      xAxis.values = function (u, splits) { return splits.map(function (s) { return s + ' s' }) }
    }
    var series = [{ label: spec.x === 'nines' ? 'percentile' : spec.x === 'seconds' ? 's' : 'run', value: spec.x === 'nines' ? function (u, v) { return v == null ? '—' : percentileOf(v) } : undefined }]
    // A dashed fit line takes the colour of the series before it.
    var colour = -1
    spec.series.forEach(function (s) {
      if (!s.dash || colour < 0) colour++
      series.push({
        label: s.label,
        stroke: palette[colour % palette.length],
        width: s.dash ? 1 : 1.5,
        dash: s.dash ? [6, 4] : undefined,
        spanGaps: true,
        points: { show: spec.x === 'time' },
        value: function (u, v) { return fmtY(spec.yUnit, v) }
      })
    })
    var yAxis = { size: 84, space: 20, values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : fmtY(spec.yUnit, v) }) } }
    // One tick per decade: uPlot's default log ticks (1…9 per decade) crowd the axis.
    if (spec.yLog) {
      yAxis.splits = function (u) {
        var out = []
        var lo = Math.floor(Math.log10(u.scales.y.min))
        var hi = Math.ceil(Math.log10(u.scales.y.max))
        for (var e = lo; e <= hi && out.length < 20; e++) {
          var v = Math.pow(10, e)
          if (v >= u.scales.y.min * 0.999 && v <= u.scales.y.max * 1.001) out.push(v)
        }
        // Less than a decade in view: label its ends instead.
        return out.length >= 2 ? out : [u.scales.y.min, u.scales.y.max]
      }
    }
    // Fault windows behind the lines; a window shorter than a pixel still shows.
    var hooks = {}
    if (spec.bands && spec.bands.length > 0) {
      hooks.drawClear = [function (u) {
        var ctx = u.ctx
        ctx.save()
        ctx.fillStyle = 'rgba(207, 34, 46, 0.14)'
        spec.bands.forEach(function (b) {
          var x0 = u.valToPos(b[0], 'x', true)
          var x1 = u.valToPos(b[1], 'x', true)
          ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, 2 * devicePixelRatio), u.bbox.height)
        })
        ctx.restore()
      }]
    }
    return {
      width: width,
      height: 260,
      series: series,
      scales: { x: xScale, y: spec.yLog ? { distr: 3, log: 10 } : { auto: true } },
      axes: [xAxis, yAxis],
      hooks: hooks
    }
  }

  var specs = {}
  data.charts.forEach(function (spec) { specs[spec.id] = spec })

  function draw (el) {
    var spec = specs[el.id]
    if (spec === undefined) { console.error('dashboard: no data for chart ' + el.id); return }
    try {
      var width = Math.max(320, Math.min(el.clientWidth || 900, 1200))
      // eslint-disable-next-line no-new
      new uPlot(options(spec, width), spec.data, el)
    } catch (e) {
      el.textContent = 'This chart could not be drawn: ' + e.message
      console.error('dashboard: chart ' + spec.id + ' failed: ' + e.message)
    }
  }

  var views = Array.prototype.slice.call(document.querySelectorAll('.view'))
  var drawn = {}
  function show () {
    var route = decodeURIComponent(location.hash.replace(/^#/, '')) || '/'
    var current = views.filter(function (v) { return v.getAttribute('data-route') === route })[0] || views[0]
    views.forEach(function (v) { v.hidden = v !== current })
    document.title = document.title.replace(/ · .*$/, '') + (current === views[0] ? '' : ' · ' + current.getAttribute('data-route'))
    if (!drawn[current.id]) {
      drawn[current.id] = true
      Array.prototype.forEach.call(current.querySelectorAll('div.chart'), draw)
    }
    window.scrollTo(0, 0)
  }
  window.addEventListener('hashchange', show)
  show()
  window.dashboardRenderedMs = performance.now()
})()
