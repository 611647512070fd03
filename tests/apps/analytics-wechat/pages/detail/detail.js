Page({
  data: { result: 'loading' },
  onLoad(query) {
    wx.reportAnalytics('detail_open', { id: Number(query.id), from: 'home' });
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
