Page({
  data: {
    from: '',
    depth: 0,
    stack: '',
  },

  onLoad(query) {
    const pages = getCurrentPages();
    this.setData({
      from: query.from || '(none)',
      depth: pages.length,
      stack: pages.map((page) => page.route.split('/')[1]).join(' › '),
    });
  },
});
