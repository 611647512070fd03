// Each handler is something an app must not be able to do to its host: the runtime stops
// this app (and only it) and says why.
var api = typeof wx !== 'undefined' ? wx : my;

Page({
  data: { count: 0, warning: 0, held: 0 },

  onLoad: function () {
    var page = this;
    api.onMemoryWarning(function (res) {
      page.setData({ warning: res.level });
    });
  },

  // The bystander's proof of life.
  bump: function () {
    this.setData({ count: this.data.count + 1 });
  },

  // A string doubled 40 times: 2^40 characters.
  doubleString: function () {
    var s = 'x';
    for (var i = 0; i < 40; i++) s += s;
    this.setData({ length: s.length });
  },

  // Megabyte arrays, kept, without end.
  growArrays: function () {
    var kept = [];
    for (;;) kept.push(new Array(131072).fill(1.5));
  },

  // An object graph that only grows deeper.
  deepGraph: function () {
    var node = { depth: 0 };
    for (;;) node = { depth: node.depth + 1, next: node, also: [node] };
  },

  // Eight more megabytes, kept: memory warnings come before the budget.
  hold: function () {
    this.kept = this.kept || [];
    for (var i = 0; i < 8; i++) this.kept.push('y'.repeat(1 << 20) + i);
    this.setData({ held: this.kept.length });
  },

  // The page's view script doubles a string 40 times while rendering.
  renderBomb: function () {
    this.setData({ bomb: true });
  },

  // Slow without one long loop: each callback's loop stays under the iteration limit.
  slow: function () {
    var total = 0;
    new Array(1000000).fill(0).forEach(function () {
      for (var i = 0; i < 100000; i++) total += i;
    });
    this.setData({ total: total });
  },
});
