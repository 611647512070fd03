Page({
  data: { result: 'loading' },
  onLoad(query) {
    wx.reportAnalytics('detail_open', { id: Number(query.id), from: 'home' });
    const realtime = wx.getRealtimeLogManager();
    realtime.setFilterMsg('detail');
    realtime.info('opened item', Number(query.id));
    // Over the realtime limit of 5 KB: refused with a console warning, not cut short.
    realtime.warn('x'.repeat(6 * 1024));
    wx.getLogManager({ level: 1 }).log('detail', { id: query.id });
    // A page the app does not have: the route fails.
    wx.navigateTo({ url: '/pages/nowhere/nowhere', fail: () => {} });
    // A key never stored: getStorage fails (getStorageSync would answer '').
    wx.getStorage({
      key: 'never-stored',
      success: () => this.setData({ result: 'found' }),
      fail: () => this.setData({ result: 'missing' }),
    });
  },
  back() {
    wx.navigateBack();
  },
});
