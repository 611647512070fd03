Page({
  data: {
    depth: 1,
    error: '',
  },

  // Query values arrive as strings: "?depth=3" gives {depth: "3"}.
  onLoad(query) {
    const depth = parseInt(query && query.depth, 10);
    this.setData({ depth: depth > 0 ? depth : 1 });
  },

  onNext() {
    const depth = this.data.depth;
    this.setData({ error: '' });
    wx.navigateTo({
      url: '/pages/chain/chain?depth=' + (depth + 1),
      fail: (e) => this.setData({ error: e.errMsg || e.errorMessage || JSON.stringify(e) }),
    });
  },
});
